/** A dialog that shows a secret once (an API key, a signing secret) with its copy button, and what to do with it. */
import type { ReactNode } from 'react';
import { Dialog } from './Dialog';
import { SecretReveal } from './ui';

export function SecretDialog(props: {
  open: boolean;
  title: string;
  label: string;
  value: string;
  warning: string;
  onClose: () => void;
  /** Below the secret: how to use it. */
  children?: ReactNode;
  /** The buttons; by default one "I have copied it" that closes. */
  actions?: ReactNode;
}) {
  return (
    <Dialog open={props.open} title={props.title} onClose={props.onClose}>
      {props.open && (
        <>
          <SecretReveal label={props.label} value={props.value} warning={props.warning} />
          {props.children}
          <div className="actions">
            {props.actions ?? (
              <button type="button" className="primary" onClick={props.onClose}>
                I have copied it
              </button>
            )}
          </div>
        </>
      )}
    </Dialog>
  );
}
