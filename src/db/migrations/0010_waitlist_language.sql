-- The guest's language for a waitlist entry's emails (the offer, then the booking's confirmation), as a booking
-- carries its own (guest_message_state.language). NULL: the language of the guest's latest booking, else the
-- restaurant's default.
ALTER TABLE waitlist_entries ADD COLUMN language text CHECK (language IS NULL OR language IN ('en', 'fr'));
