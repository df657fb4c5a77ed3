-- E-mail out (app/src/mail/outbox.rs writes, server/src/outbox.rs sends): every message
-- Onboard sends is a row here, written in the same transaction as the change that causes
-- it, so nothing is sent for a change that rolled back and nothing is lost for one that
-- committed. A sender claims due rows with FOR UPDATE SKIP LOCKED (several server
-- processes share the work), sends, and marks them sent in that transaction.

create table outbound_mail (
    id              uuid primary key default gen_random_uuid(),
    -- One row per event and recipient: writing the same event twice adds nothing.
    dedupe_key      text not null unique,
    kind            text not null check (kind in ('ticket_created', 'ticket_reply', 'ticket_resolved',
                                                  'assignee_reply', 'main_contact_only')),
    ticket_id       uuid references tickets (id),
    to_address      text not null,
    to_name         text,
    language        text not null check (language in ('de', 'es', 'en')),
    subject         text not null,
    body            text not null,
    -- Ours, set when sent (`t.<ticket>.<id>@ONBOARD_MAIL_DOMAIN`, from the row's id and
    -- the server's mail domain): a reply finds its ticket by it.
    message_id      text unique,
    in_reply_to     text,
    references_ids  text[] not null default '{}',
    -- Notifications are marked Auto-Submitted (RFC 3834), so auto-responders stay quiet.
    auto_submitted  boolean not null default true,
    created_at      timestamptz not null default now(),
    attempts        integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    sent_at         timestamptz,
    -- Given up after the last retry; staff see it on the ticket.
    failed_at       timestamptz,
    last_error      text
);
create index outbound_mail_due_idx on outbound_mail (next_attempt_at)
    where sent_at is null and failed_at is null;
create index outbound_mail_ticket_idx on outbound_mail (ticket_id, created_at) where ticket_id is not null;

-- The language staff asked for when they last signed in: what their notifications speak.
alter table users add column language text check (language in ('de', 'es', 'en'));
