extension ServerLogSchema {
    /// `winnow_adopt(line)`: the admin's way to bring an existing log into an empty store
    /// (`winnow store migrate`), entry by entry, keeping each one's bytes: its actor, time and
    /// hash are the ones the file log recorded, so a workspace's history survives the move and
    /// a mix manifest's pinned head still names the same entry.
    ///
    /// Reviewers may not call it (it is not granted to `winnow_reviewer`): an adopted entry
    /// carries the actor its line says, which is exactly what `winnow_append` exists to prevent.
    /// The server checks what a careless migration could get wrong, not what a malicious owner
    /// could (an owner can disable any trigger): the line is a JSON object whose `seq` follows
    /// the head and whose `prev` is the head's hash, and whose `hash` is 64 hex digits. The
    /// hash itself and the canonical form are proved by the client on both sides of the move
    /// (`LogVerifier` on the file before, on the exported store after), where the exact bytes
    /// are hashed the way `log verify` hashes them.
    static let adoptStatements: [String] = [
        #"""
        CREATE FUNCTION public.winnow_adopt(line text, OUT seq bigint, OUT hash text)
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET lock_timeout = '5s' AS $adopt$
        DECLARE
            entry jsonb;
            head_seq bigint;
            head_hash text;
        BEGIN
            BEGIN
                entry := line::jsonb;
            EXCEPTION WHEN others THEN
                RAISE EXCEPTION 'winnow_adopt: the line is not JSON: %', SQLERRM USING ERRCODE = 'invalid_parameter_value';
            END;
            IF jsonb_typeof(entry) <> 'object' OR jsonb_typeof(entry -> 'seq') <> 'number'
                OR coalesce(entry ->> 'prev', '') !~ '^[0-9a-f]{64}$' OR coalesce(entry ->> 'hash', '') !~ '^[0-9a-f]{64}$' THEN
                RAISE EXCEPTION 'winnow_adopt: the line is not a log entry (seq, prev and hash)' USING ERRCODE = 'invalid_parameter_value';
            END IF;
            LOCK TABLE public.winnow_log IN EXCLUSIVE MODE;
            SELECT l.seq, l.hash INTO head_seq, head_hash FROM public.winnow_log l ORDER BY l.seq DESC LIMIT 1;
            seq := (entry ->> 'seq')::bigint;
            hash := entry ->> 'hash';
            IF seq <> coalesce(head_seq, 0) + 1 THEN
                RAISE EXCEPTION 'winnow_adopt: entry % does not follow the head (entry %)', seq, coalesce(head_seq, 0)
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF entry ->> 'prev' <> coalesce(head_hash, repeat('0', 64)) THEN
                RAISE EXCEPTION 'winnow_adopt: entry % does not chain to the head (prev % but the head is %)',
                    seq, entry ->> 'prev', coalesce(head_hash, repeat('0', 64)) USING ERRCODE = 'invalid_parameter_value';
            END IF;
            PERFORM set_config('winnow.appending', 'on', true);
            INSERT INTO public.winnow_log(seq, hash, line, actor) VALUES (seq, hash, line, session_user);
            PERFORM set_config('winnow.appending', 'off', true);
        END
        $adopt$
        """#,
        "REVOKE ALL ON FUNCTION public.winnow_adopt(text) FROM PUBLIC",
        // Many lines a call, in order: a migration's round trips, not one per entry.
        #"""
        CREATE FUNCTION public.winnow_adopt_all(lines text[]) RETURNS bigint
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $all$
        DECLARE
            one text;
            adopted bigint := 0;
        BEGIN
            FOREACH one IN ARRAY coalesce(lines, ARRAY[]::text[]) LOOP
                PERFORM public.winnow_adopt(one);
                adopted := adopted + 1;
            END LOOP;
            RETURN adopted;
        END
        $all$
        """#,
        "REVOKE ALL ON FUNCTION public.winnow_adopt_all(text[]) FROM PUBLIC",
    ]
}
