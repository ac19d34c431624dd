-- A fire whose event_id was counted already for the user and pixel within 48 hours (a browser
-- fire and a server event of one conversion, SPEC 12): attributed, not counted.
INSERT INTO fire_reasons (code, name, attributed, counted) VALUES (9, 'duplicate_event', true, false);
