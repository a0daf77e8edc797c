-- CareLoop schema 0013: the development outbox (issue #5). With SMS_URL=outbox: (the default) text messages are
-- written here instead of going to a carrier, and `careloop outbox` lists them; the channel column leaves room for
-- e-mail. Rows hold recipients and message text, so the table is for development and demos. Forward-only.

CREATE TABLE message_outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  channel text NOT NULL CHECK (channel IN ('sms', 'email')),
  recipient text NOT NULL,
  subject text,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX message_outbox_channel_idx ON message_outbox (channel, id);
