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
    colors: { primary: { main: '#7a2e3a' } },
    typography: {
      fontFamily: 'system-ui, sans-serif',
      headings: { fontFamily: 'system-ui, sans-serif' },
      code: { fontFamily: 'ui-monospace, monospace' },
    },
    sidebar: { width: '280px' },
  },
} as const;

