/**
 * The dashboard's data table: scrolls sideways on a phone inside `.table-wrap`, a caption for screen readers, column
 * headers with `scope="col"` (a column whose header is empty is named for screen readers only).
 */
import type { ReactNode } from 'react';

export interface Column {
  label: string;
  /** Show the header to screen readers only (an actions column). */
  hidden?: boolean;
}

export function DataTable(props: { caption: string; columns: (string | Column)[]; className?: string; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className={props.className ? `data-table ${props.className}` : 'data-table'}>
        <caption className="sr-only">{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => {
              const col = typeof c === 'string' ? { label: c } : c;
              return (
                <th key={col.label} scope="col">
                  {col.hidden ? <span className="sr-only">{col.label}</span> : col.label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
