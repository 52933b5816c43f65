/**
 * System keys: keys the server makes for itself. Today one, the /demo page's widget key (src/demo.ts), whose plaintext
 * only the running server holds. It is recognised by its name, which is reserved: no user and no CLI command can give
 * a key this name (createKeyBodySchema refuses it), so only the server can make one. The dashboard and the admin API
 * cannot change, rotate, revoke or delete a system key (KeyService answers 409 conflict); the CLI and the server can.
 */
export const DEMO_WIDGET_KEY_NAME = 'Demo page widget (held in server memory)';

export const isSystemKeyName = (name: string): boolean => name === DEMO_WIDGET_KEY_NAME;
