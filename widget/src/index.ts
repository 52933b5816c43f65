/** Registers `<maitre-booking>` once, however many times the script is included. */
import { MaitreBooking } from './element.js';

if (!customElements.get('maitre-booking')) customElements.define('maitre-booking', MaitreBooking);
