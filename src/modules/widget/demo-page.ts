/**
 * /demo: a sample restaurant website embedding the booking widget for the demo restaurant. Plain HTML and a
 * stylesheet, no inline script or style (the CSP forbids both); the widget talks to /demo/api (demo-proxy.ts).
 */
import { FAVICON_LINK } from '../home/favicon.js';

export const DEMO_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TEXT = {
  en: {
    tagline: 'Seasonal French cooking in the 9th arrondissement',
    description: 'Book a table at the demo restaurant of this Maitre server: the booking widget on a sample restaurant page.',
    about: 'A neighbourhood bistro with a terrace, a short menu that changes with the market, and natural wines by the glass.',
    hours: 'Opening hours',
    lunch: 'Lunch, Tuesday to Sunday: 12:00 – 15:00',
    dinner: 'Dinner, Tuesday to Saturday: 19:00 – 23:00',
    book: 'Book your table',
    note: 'This is the demo page of your Maitre server. The form below is the booking widget (/widget.js); it talks to /demo/api on this server, which adds an API key that exists only in the server’s memory, so no key ever reaches this page. Bookings made here appear in the dashboard.',
    dashboard: 'Open the dashboard',
    docs: 'Widget guide',
    other: 'Français',
    otherLang: 'fr',
  },
  fr: {
    tagline: 'Cuisine française de saison dans le 9e arrondissement',
    description: 'Réservez une table au restaurant de démonstration de ce serveur Maitre : le widget de réservation sur une page de restaurant.',
    about: 'Un bistrot de quartier avec terrasse, une carte courte qui suit le marché et des vins nature au verre.',
    hours: 'Horaires',
    lunch: 'Déjeuner, du mardi au dimanche : 12 h – 15 h',
    dinner: 'Dîner, du mardi au samedi : 19 h – 23 h',
    book: 'Réservez votre table',
    note: 'Ceci est la page de démonstration de votre serveur Maitre. Le formulaire ci-dessous est le widget de réservation (/widget.js) ; il appelle /demo/api sur ce serveur, qui ajoute une clé d’API gardée uniquement en mémoire : aucune clé n’arrive dans cette page. Les réservations faites ici apparaissent dans le tableau de bord.',
    dashboard: 'Ouvrir le tableau de bord',
    docs: 'Guide du widget',
    other: 'English',
    otherLang: 'en',
  },
} as const;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function demoHtml(lang: 'en' | 'fr', restaurantName: string): string {
  const t = TEXT[lang];
  const name = escapeHtml(restaurantName);
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="${escapeHtml(t.description)}">
<title>${name}</title>
${FAVICON_LINK}
<link rel="stylesheet" href="/demo/demo.css">
<script src="/widget.js" defer></script>
</head>
<body>
<header class="hero">
  <nav><a href="/demo?lang=${t.otherLang}" hreflang="${t.otherLang}" lang="${t.otherLang}">${t.other}</a></nav>
  <h1>${name}</h1>
  <p>${t.tagline}</p>
</header>
<main>
  <section class="about">
    <p>${t.about}</p>
    <h2>${t.hours}</h2>
    <ul><li>${t.lunch}</li><li>${t.dinner}</li></ul>
  </section>
  <section class="booking" aria-labelledby="book-title">
    <h2 id="book-title">${t.book}</h2>
    <maitre-booking restaurant="demo" endpoint="/demo/api" lang="${lang}" max-party-size="10"></maitre-booking>
  </section>
</main>
<footer>
  <p>${t.note}</p>
  <p><a href="/dashboard/">${t.dashboard}</a> · ${t.docs}: <code>docs/widget.md</code></p>
</footer>
</body>
</html>
`;
}

/** The page's stylesheet; it also shows theming the widget with its custom properties. */
export const DEMO_CSS = `
:root { color-scheme: light; --ink: #2b2118; --paper: #fbf7f0; --wine: #7a1f2b; }
* { box-sizing: border-box; }
body { margin: 0; font-family: Georgia, "Times New Roman", serif; color: var(--ink); background: var(--paper); line-height: 1.5; }
.hero { padding: 48px 20px 36px; text-align: center; background: var(--wine); color: #fff; }
.hero h1 { margin: 0 0 8px; font-size: clamp(1.8rem, 6vw, 2.8rem); }
.hero p { margin: 0; opacity: .9; }
.hero nav { text-align: right; max-width: 960px; margin: -28px auto 12px; }
.hero nav a { color: #fff; }
main { max-width: 960px; margin: 0 auto; padding: 24px 20px; display: grid; gap: 32px; grid-template-columns: 1fr; }
@media (min-width: 860px) { main { grid-template-columns: 1fr 1.3fr; } }
h2 { font-size: 1.4rem; }
footer { max-width: 960px; margin: 0 auto; padding: 0 20px 40px; font-size: .9rem; color: #5a4d40; }
a { color: var(--wine); }
maitre-booking {
  --maitre-font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  --maitre-accent: #7a1f2b;
  --maitre-accent-text: #ffffff;
  --maitre-background: #ffffff;
  --maitre-surface: #f4ece1;
  --maitre-border: #d8cbb8;
  --maitre-radius: 10px;
}
`;
