-- Every server process keeps signed-in sessions and their users in memory while the rows
-- are unchanged (app/src/auth/cache.rs). These triggers tell every process, through
-- LISTEN/NOTIFY, which row changed or went, so a sign-out, a deactivation, a role or a
-- password change takes effect everywhere as soon as it commits. Inserts need no notice:
-- a row nobody has read cannot be cached.

create function notify_user_changed() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        perform pg_notify('onboard_users', old.id::text);
    else
        perform pg_notify('onboard_users', new.id::text);
    end if;
    return null;
end $$;

create trigger users_notify after update or delete on users
    for each row execute function notify_user_changed();

create function notify_session_changed() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        perform pg_notify('onboard_sessions', old.id);
    else
        perform pg_notify('onboard_sessions', new.id);
    end if;
    return null;
end $$;

create trigger sessions_notify after update or delete on tower_sessions.session
    for each row execute function notify_session_changed();
