-- E-mail in (app/src/mail/): every message received is kept raw, once per content hash,
-- with where it went; attachments are stored once per content hash; the review queue is
-- the messages routed to review that staff have not handled yet.

create table inbound_messages (
    id            uuid primary key default gen_random_uuid(),
    -- SHA-256 of the raw message: a re-delivery (IMAP, a pipe retry, the API) is the same row.
    sha256        bytea not null unique,
    raw           bytea not null,
    transport     text not null check (transport in ('imap', 'pipe', 'api')),
    received_at   timestamptz not null default now(),
    -- As parsed (null when the message could not be parsed at all).
    message_id    text,
    from_address  text,
    from_name     text,
    subject       text,
    -- The text as parsed (what the review queue shows).
    body          text,
    -- Where it went: a reply on a ticket, a new ticket (or a follow-up of a closed one),
    -- the review queue, or nowhere (automated mail).
    outcome       text not null check (outcome in ('reply', 'new_ticket', 'follow_up', 'review', 'ignored')),
    -- The review reason (domain::mail_route::ReviewReason) or why it was ignored.
    reason        text,
    ticket_id     uuid references tickets (id),
    customer_id   uuid references customers (id),
    -- The review queue: handled by whom, when (assigned to a ticket or dismissed).
    handled_at    timestamptz,
    handled_by    uuid references users (id)
);
create index inbound_review_idx on inbound_messages (received_at desc, id desc)
    where outcome = 'review' and handled_at is null;

-- Attachment contents, once per SHA-256, in PostgreSQL so every server process sees them
-- and a backup holds them (app/src/mail/store.rs is the storage interface).
create table blobs (
    sha256     bytea primary key,
    size       bigint not null,
    content    bytea not null,
    created_at timestamptz not null default now()
);

create table ticket_attachments (
    message_id   uuid not null references ticket_messages (id) on delete cascade,
    position     integer not null,
    file_name    text not null,
    -- Sniffed from the content, not taken from the sender's claim.
    content_type text not null,
    size         bigint not null,
    sha256       bytea not null references blobs (sha256),
    primary key (message_id, position)
);

alter table ticket_messages
    add column inbound_id uuid references inbound_messages (id),
    -- Attachments left out (over the size limit), named for staff.
    add column dropped_attachments text[] not null default '{}';

alter table tickets
    -- A reply to a ticket closed long ago opens a new one, linked to it.
    add column follows_up uuid references tickets (id);

alter table contacts
    add column created_from_email boolean not null default false,
    -- A bounce came back for this address.
    add column email_bounced_at timestamptz;
create index contacts_email_idx on contacts (lower(email)) where archived_at is null;
