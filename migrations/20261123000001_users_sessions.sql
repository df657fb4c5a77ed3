-- Staff accounts, sessions and sign-in throttling: everything the server needs to know
-- between requests lives here, so any number of server processes can serve the same users.

create table users (
    id             uuid primary key default gen_random_uuid(),
    email          text not null,
    name           text not null,
    role           text not null check (role in ('admin', 'billing_admin', 'technician')),
    password_hash  text not null,
    active         boolean not null default true,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    last_login_at  timestamptz
);
-- One account per address, whatever its case.
create unique index users_email_key on users (lower(email));

-- tower-sessions' PostgreSQL store, created here (not by the store at start-up) so that
-- several processes starting at once do not race on the DDL.
create schema tower_sessions;
create table tower_sessions.session (
    id          text primary key not null,
    data        bytea not null,
    expiry_date timestamptz not null
);
create index session_expiry_idx on tower_sessions.session (expiry_date);

-- Failed sign-ins per key (`acct:<email>` or `ip:<address>`).
create table login_throttle (
    key           text primary key,
    failures      integer not null,
    window_start  timestamptz not null,
    locked_until  timestamptz
);
