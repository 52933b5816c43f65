/** The badge colour of each reservation status in the day view. */
import type { ReservationStatus } from '../../types';

export const STATUS_TONE: Record<ReservationStatus, 'blue' | 'green' | 'grey' | 'red' | 'amber'> = {
  confirmed: 'blue',
  seated: 'green',
  completed: 'grey',
  cancelled: 'red',
  no_show: 'amber',
};
