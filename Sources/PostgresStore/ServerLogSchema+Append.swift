extension ServerLogSchema {
    /// `winnow_append(kind, tool, gate, names, values)`: the one way into the log.
    ///
    /// The client sends the payload's members as (name, canonical JSON text) pairs; the function
    /// adds the envelope, sorts the members by name and hashes the joined text with the
    /// server's SHA-256. What it refuses, and why:
    /// - **Kinds by role.** A reviewer (`winnow_reviewer`) appends decisions, and reverts of
    ///   entries they wrote; imports, gate runs, mixes and retractions (which can undo a whole
    ///   team's work) are for `winnow_lead` members and the owner. Only those may act as a gate.
    /// - **Entries every box could not read.** A reviewer's member must be JSON in canonical
    ///   form (`winnow_canonical`), and a decision or revert must have the members and types
    ///   every box's replay requires (an edit's `new_hash` the hash of its `new_row`). Otherwise
    ///   one odd value, stored for ever in an append-only log, would stop every box. Leads are
    ///   trusted to run winnow (their entries are checked on every box as they arrive).
    /// - **A decision on a row another role's live claim holds**, and one in a slice whose role
    ///   (the newest `winnow_config`) the reviewer is not a member of.
    /// The lock on the log is waited for at most 5 s (`lock_timeout`, which a caller cannot
    /// change for the function): a session left open elsewhere stops nobody for longer.
    static let appendStatements: [String] = [
        #"""
        CREATE FUNCTION public.winnow_append(kind text, tool text, gate text, names text[], "values" text[],
                                             OUT seq bigint, OUT hash text, OUT line text)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '5s' AS $append$
        DECLARE
            head_seq bigint;
            head_hash text;
            who text := session_user;
            is_lead boolean;
            payload jsonb := '{}'::jsonb;
            member jsonb;
            all_names text[];
            all_values text[];
            body text;
            i int;
            field text;
            other_holder text;
            slice_role text;
            reverted_actor text;
        BEGIN
            IF kind IS NULL OR kind NOT IN ('import', 'reread', 'gate-run', 'gate', 'decision', 'revert', 'retract', 'mix') THEN
                RAISE EXCEPTION 'winnow_append: % is not a kind of entry this store takes', quote_nullable(kind)
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF tool IS NULL OR tool !~ '^[A-Za-z0-9][A-Za-z0-9 ._+-]{0,63}$' THEN
                RAISE EXCEPTION 'winnow_append: tool % is not a tool name', quote_nullable(tool) USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF gate IS NOT NULL AND gate !~ '^[a-z][a-z0-9-]{0,31}$' THEN
                RAISE EXCEPTION 'winnow_append: gate % is not a gate name', quote_nullable(gate) USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF who !~ '^[a-z_][a-z0-9_.-]{0,62}$' THEN
                RAISE EXCEPTION 'winnow_append: role name % cannot be an actor (lowercase letters, digits, _ . - only)', who
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF current_database() !~ '^[A-Za-z0-9_.-]{1,63}$' THEN
                RAISE EXCEPTION 'winnow_append: database name % cannot be an actor''s host (letters, digits, _ . - only)',
                    current_database() USING ERRCODE = 'invalid_parameter_value';
            END IF;
            is_lead := who = current_user OR pg_has_role(who, 'winnow_lead', 'MEMBER');
            IF NOT is_lead AND (kind NOT IN ('decision', 'revert') OR gate IS NOT NULL) THEN
                RAISE EXCEPTION '% entries are appended by the store''s leads (members of winnow_lead) only, and % is a reviewer',
                    CASE WHEN gate IS NOT NULL THEN 'gate' ELSE kind END, who USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF coalesce(cardinality(names), 0) <> coalesce(cardinality("values"), 0) THEN
                RAISE EXCEPTION 'winnow_append: % member names but % values', cardinality(names), cardinality("values")
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            FOR i IN 1 .. coalesce(cardinality(names), 0) LOOP
                IF names[i] IS NULL OR names[i] !~ '^[a-z][a-z0-9_]{0,63}$' THEN
                    RAISE EXCEPTION 'winnow_append: member name % is not a payload name', quote_nullable(names[i])
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
                IF names[i] IN ('v', 'seq', 'prev', 'ts', 'actor', 'tool', 'kind', 'hash') THEN
                    RAISE EXCEPTION 'winnow_append: member % belongs to the envelope, which the server writes', names[i]
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
                IF payload ? names[i] THEN
                    RAISE EXCEPTION 'winnow_append: member % given twice', names[i] USING ERRCODE = 'invalid_parameter_value';
                END IF;
                IF "values"[i] IS NULL THEN
                    RAISE EXCEPTION 'winnow_append: member % has no value', names[i] USING ERRCODE = 'invalid_parameter_value';
                END IF;
                BEGIN
                    member := "values"[i]::jsonb;
                EXCEPTION WHEN others THEN
                    RAISE EXCEPTION 'winnow_append: member % is not JSON: %', names[i], SQLERRM USING ERRCODE = 'invalid_parameter_value';
                END;
                IF NOT is_lead AND public.winnow_canonical(member) <> "values"[i] THEN
                    RAISE EXCEPTION 'winnow_append: member % is not canonical JSON (compact, keys sorted, as winnow writes it)', names[i]
                        USING ERRCODE = 'invalid_parameter_value';
                END IF;
                payload := payload || jsonb_build_object(names[i], member);
            END LOOP;

            IF kind = 'decision' THEN
                IF jsonb_typeof(payload -> 'row') IS DISTINCT FROM 'string' OR payload ->> 'row' = '' THEN
                    RAISE EXCEPTION 'winnow_append: a decision names its row (a string)' USING ERRCODE = 'invalid_parameter_value';
                END IF;
                IF jsonb_typeof(payload -> 'action') IS DISTINCT FROM 'string'
                    OR payload ->> 'action' NOT IN ('accept', 'edit', 'reject', 'flag') THEN
                    RAISE EXCEPTION 'winnow_append: a decision''s action is accept, edit, reject or flag' USING ERRCODE = 'invalid_parameter_value';
                END IF;
                FOREACH field IN ARRAY ARRAY['row_hash', 'source', 'reason', 'note', 'slice', 'new_hash'] LOOP
                    IF payload ? field AND jsonb_typeof(payload -> field) <> 'string' THEN
                        RAISE EXCEPTION 'winnow_append: a decision''s % is a string', field USING ERRCODE = 'invalid_parameter_value';
                    END IF;
                END LOOP;
                IF payload ? 'row_hash' AND payload ->> 'row_hash' !~ '^[0-9a-f]{64}$' THEN
                    RAISE EXCEPTION 'winnow_append: row_hash is not a SHA-256 in lowercase hex' USING ERRCODE = 'invalid_parameter_value';
                END IF;
                IF payload ? 'spent_ms' AND (jsonb_typeof(payload -> 'spent_ms') <> 'number' OR payload ->> 'spent_ms' !~ '^-?[0-9]{1,18}$') THEN
                    RAISE EXCEPTION 'winnow_append: spent_ms is a whole number' USING ERRCODE = 'invalid_parameter_value';
                END IF;
                IF payload ->> 'action' = 'edit' THEN
                    IF jsonb_typeof(payload -> 'new_row') IS DISTINCT FROM 'object' OR payload ->> 'new_hash' IS DISTINCT FROM
                        encode(sha256(convert_to(public.winnow_canonical(payload -> 'new_row'), 'UTF8')), 'hex') THEN
                        RAISE EXCEPTION 'winnow_append: an edit carries its new row (an object) and that row''s hash as new_hash'
                            USING ERRCODE = 'invalid_parameter_value';
                    END IF;
                ELSIF payload ? 'new_row' OR payload ? 'new_hash' THEN
                    RAISE EXCEPTION 'winnow_append: only an edit carries a new row' USING ERRCODE = 'invalid_parameter_value';
                END IF;
                -- A row another role holds (a live claim by the server's clock) is theirs to decide.
                SELECT c.holder_role::text INTO other_holder FROM public.winnow_claim c
                WHERE c.row_id = payload ->> 'row' AND c.holder_role <> who AND c.until > clock_timestamp();
                IF FOUND THEN
                    RAISE EXCEPTION 'row % is on %''s screen now (their claim is live): not recorded', payload ->> 'row', other_holder
                        USING ERRCODE = 'lock_not_available';
                END IF;
                -- A slice the configuration gives to a role is decided by its members only.
                IF payload ? 'slice' THEN
                    SELECT c.slice_roles ->> (payload ->> 'slice') INTO slice_role
                    FROM public.winnow_config c ORDER BY c.version DESC LIMIT 1;
                    IF slice_role IS NOT NULL AND (NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = slice_role)
                                                   OR NOT pg_has_role(who, slice_role, 'MEMBER')) THEN
                        RAISE EXCEPTION 'slice % is reviewed by members of role % only, and % is not one: not recorded',
                            payload ->> 'slice', slice_role, who USING ERRCODE = 'insufficient_privilege';
                    END IF;
                END IF;
            ELSIF kind = 'revert' THEN
                IF jsonb_typeof(payload -> 'reverts') IS DISTINCT FROM 'number' OR payload ->> 'reverts' !~ '^[1-9][0-9]{0,17}$' THEN
                    RAISE EXCEPTION 'winnow_append: a revert names the seq of the entry it undoes' USING ERRCODE = 'invalid_parameter_value';
                END IF;
                SELECT l.actor::text INTO reverted_actor FROM public.winnow_log l WHERE l.seq = (payload ->> 'reverts')::bigint;
                IF NOT FOUND THEN
                    RAISE EXCEPTION 'winnow_append: entry % does not exist', payload ->> 'reverts' USING ERRCODE = 'invalid_parameter_value';
                END IF;
                IF NOT is_lead AND reverted_actor <> who THEN
                    RAISE EXCEPTION 'entry % was written by %: a reviewer undoes their own entries only', payload ->> 'reverts', reverted_actor
                        USING ERRCODE = 'insufficient_privilege';
                END IF;
            END IF;

            -- One appender at a time; readers are not blocked.
            LOCK TABLE public.winnow_log IN EXCLUSIVE MODE;
            SELECT l.seq, l.hash INTO head_seq, head_hash FROM public.winnow_log l ORDER BY l.seq DESC LIMIT 1;
            seq := coalesce(head_seq, 0) + 1;

            all_names := coalesce(names, ARRAY[]::text[]) || ARRAY['v', 'seq', 'prev', 'ts', 'actor', 'tool', 'kind'];
            all_values := coalesce("values", ARRAY[]::text[]) || ARRAY[
                '1',
                seq::text,
                '"' || coalesce(head_hash, repeat('0', 64)) || '"',
                '"' || to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"',
                '{' || CASE WHEN gate IS NULL THEN '' ELSE '"gate":"' || gate || '",' END
                    || '"host":"' || current_database() || '","uid":'
                    || (SELECT r.oid FROM pg_roles r WHERE r.rolname = who)::bigint || ',"user":"' || who || '"}',
                '"' || tool || '"',
                '"' || kind || '"'];
            body := public.winnow_log_object(all_names, all_values);
            hash := encode(sha256(convert_to(body, 'UTF8')), 'hex');

            line := public.winnow_log_object(all_names || ARRAY['hash'], all_values || ARRAY['"' || hash || '"']);
            PERFORM set_config('winnow.appending', 'on', true);
            INSERT INTO public.winnow_log(seq, hash, line, actor) VALUES (seq, hash, line, who);
            PERFORM set_config('winnow.appending', 'off', true);
        END
        $append$
        """#,
        "REVOKE ALL ON FUNCTION public.winnow_append(text, text, text, text[], text[]) FROM PUBLIC",
        "GRANT EXECUTE ON FUNCTION public.winnow_append(text, text, text, text[], text[]) TO winnow_reviewer",
    ]
}
