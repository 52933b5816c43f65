/** What every page of a restaurant needs: who is signed in, which restaurant, with which role. */
import { createContext, useContext } from 'react';
import type { Membership, RestaurantView, Role, SessionView } from './types';

export interface RestaurantContextValue {
  session: SessionView;
  membership: Membership;
  slug: string;
  role: Role;
  /** The restaurant (profile, time zone, policy); null while it loads or when it could not be read. */
  restaurant: RestaurantView | null;
}

export const RestaurantContext = createContext<RestaurantContextValue | null>(null);

export function useRestaurant(): RestaurantContextValue {
  const v = useContext(RestaurantContext);
  if (!v) throw new Error('useRestaurant outside a restaurant page');
  return v;
}

export const isManager = (role: Role) => role === 'owner' || role === 'manager';
