/** Options of Redoc, shared by the server-side render (render.mjs) and the browser one (page.ts). */
export const REDOC_OPTIONS = {
  hideHostname: true,
  nativeScrollbars: true,
  requiredPropsFirst: true,
  hideSchemaTitles: true,
  jsonSampleExpandLevel: 3,
  /** The curl example (x-codeSamples) is the first tab, so it is the one in the pre-rendered HTML. */
  payloadSampleIdx: 1,
  expandResponses: '200,201',
  theme: {
    // Maitre's colour; Redoc's green and red darkened to a 4.5:1 contrast on their tinted backgrounds (axe-core:
    // "200 Success" was 4.07:1, "required" 4.28:1 with Redoc's defaults #1d8127 and #d41f1c).
    colors: { primary: { main: '#7a2e3a' }, success: { main: '#15631c' }, error: { main: '#b3161a' } },
    typography: {
      fontFamily: 'system-ui, sans-serif',
      headings: { fontFamily: 'system-ui, sans-serif' },
      code: { fontFamily: 'ui-monospace, monospace' },
    },
    sidebar: { width: '280px' },
  },
} as const;

