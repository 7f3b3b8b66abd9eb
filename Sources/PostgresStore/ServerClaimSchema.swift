extension ServerLogSchema {
    /// Claims on rows, kept by the server's clock: which reviewer's screen a row is on, so two
    /// boxes (whose clocks may disagree by minutes) never hand out one row twice.
    ///
    /// A claim is granted by one statement (`INSERT ... ON CONFLICT DO UPDATE ... WHERE`): the
    /// row is free, its lease ran out by the server's `clock_timestamp()`, or this role's same
    /// process already holds it (a renewal). Two boxes asking at once are ordered by the row's
    /// lock: the second sees the first's claim and is told who holds it and for how long. With
    /// `any_process`, the same role's other process counts as the holder too (`winnow decide`
    /// runs apart from the `winnow next` that took the row). Reviewers read the table and change
    /// it only through these functions, which name `session_user`, never a client's word.
    ///
    /// `winnow_append` refuses a decision on a row whose live claim another role holds, so a
    /// reviewer whose lease ran out while another took the row cannot give it a second first
    /// opinion, whatever their box's index says.
    static let claimStatements: [String] = [
        """
        CREATE TABLE public.winnow_claim (
            row_id text PRIMARY KEY,
            holder_role name NOT NULL,
            holder text NOT NULL,
            until timestamptz NOT NULL
        )
        """,
        "REVOKE ALL ON public.winnow_claim FROM PUBLIC",
        "GRANT SELECT ON public.winnow_claim TO winnow_reviewer",
        claimFunction,
        "REVOKE ALL ON FUNCTION public.winnow_claim(text, text, int, boolean) FROM PUBLIC",
        "GRANT EXECUTE ON FUNCTION public.winnow_claim(text, text, int, boolean) TO winnow_reviewer",
        claimFirstFunction,
        "REVOKE ALL ON FUNCTION public.winnow_claim_first(text[], text, int) FROM PUBLIC",
        "GRANT EXECUTE ON FUNCTION public.winnow_claim_first(text[], text, int) TO winnow_reviewer",
        #"""
        CREATE FUNCTION public.winnow_release(want_row text, want_holder text) RETURNS bigint
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '5s' AS $release$
            WITH gone AS (
                DELETE FROM public.winnow_claim c
                WHERE c.holder_role = session_user AND (want_row IS NULL OR c.row_id = want_row)
                  AND (want_holder IS NULL OR c.holder = want_holder)
                  AND (want_row IS NOT NULL OR want_holder IS NOT NULL)
                RETURNING 1)
            SELECT count(*) FROM gone
        $release$
        """#,
        "REVOKE ALL ON FUNCTION public.winnow_release(text, text) FROM PUBLIC",
        "GRANT EXECUTE ON FUNCTION public.winnow_release(text, text) TO winnow_reviewer",
    ]

    /// `winnow_claim`: one row for this process, granted or refused with who holds it.
    static let claimFunction = #"""
    CREATE OR REPLACE FUNCTION public.winnow_claim(want_row text, want_holder text, seconds int, any_process boolean,
                                        OUT granted boolean, OUT held_by text, OUT held_by_uid bigint, OUT remaining double precision)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '5s' AS $claim$
    DECLARE
        at timestamptz := clock_timestamp();
        until_then timestamptz;
        longest int;
    BEGIN
        IF want_row IS NULL OR length(want_row) > 1000 OR want_holder IS NULL OR length(want_holder) > 200
            OR seconds IS NULL OR seconds < 1 THEN
            RAISE EXCEPTION 'winnow_claim: a row, a holder and a lease of at least 1 s' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        -- No longer than the store's settings say a lease lasts; no more rows than a screen needs.
        longest := coalesce((SELECT c.lease_seconds FROM public.winnow_config c ORDER BY c.version DESC LIMIT 1), 600);
        seconds := least(seconds, longest);
        IF (SELECT count(*) FROM public.winnow_claim c
            WHERE c.holder_role = session_user AND c.until > at AND c.row_id <> want_row) >= 100 THEN
            RAISE EXCEPTION 'winnow_claim: % holds 100 rows already; decide or give some back first', session_user
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        -- Held by another role (or process), as last committed: refused without touching
        -- the row, whose lock a decision deleting its claim holds until the server's disk
        -- has the decision (the insert below would wait for it).
        SELECT false, c.holder_role::text, c.until INTO granted, held_by, until_then
        FROM public.winnow_claim c WHERE c.row_id = want_row AND c.until > at
            AND NOT (c.holder_role = session_user AND (any_process OR c.holder = want_holder));
        IF NOT FOUND THEN
            INSERT INTO public.winnow_claim AS c (row_id, holder_role, holder, until)
            VALUES (want_row, session_user, want_holder, at + make_interval(secs => seconds))
            ON CONFLICT (row_id) DO UPDATE SET holder_role = EXCLUDED.holder_role, holder = EXCLUDED.holder, until = EXCLUDED.until
                WHERE c.until <= at OR (c.holder_role = session_user AND (any_process OR c.holder = EXCLUDED.holder))
            RETURNING true, c.holder_role::text, c.until INTO granted, held_by, until_then;
        END IF;
        IF NOT FOUND THEN
            SELECT false, c.holder_role::text, c.until INTO granted, held_by, until_then
            FROM public.winnow_claim c WHERE c.row_id = want_row;
        END IF;
        held_by_uid := (SELECT r.oid FROM pg_roles r WHERE r.rolname = held_by)::bigint;
        remaining := extract(epoch FROM until_then - at);
    END
    $claim$
    """#

    /// The first of a box's next few rows that is free, claimed: what `next` asks. Every box
    /// serves the same queue in the same order, so the row at a box's head is most often
    /// one another box took a moment ago; asked one row at a time, three reviewers in four
    /// were refused first and asked again (the store benchmark). Each row is asked of
    /// `winnow_claim` in turn (its rules, its checks, for this process only: no
    /// `any_process`), in one round trip; NULL when every row is held.
    static let claimFirstFunction = #"""
    CREATE OR REPLACE FUNCTION public.winnow_claim_first(want_rows text[], want_holder text, seconds int,
                                              OUT claimed text, OUT remaining double precision)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '5s' AS $first$
    DECLARE
        candidate text;
        answer record;
    BEGIN
        IF want_rows IS NULL OR cardinality(want_rows) < 1 OR cardinality(want_rows) > 100
            OR array_position(want_rows, NULL) IS NOT NULL THEN
            RAISE EXCEPTION 'winnow_claim_first: 1 to 100 rows' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        FOREACH candidate IN ARRAY want_rows LOOP
            SELECT c.granted, c.remaining INTO answer FROM public.winnow_claim(candidate, want_holder, seconds, false) c;
            IF answer.granted THEN
                claimed := candidate;
                remaining := answer.remaining;
                RETURN;
            END IF;
        END LOOP;
    END
    $first$
    """#

    /// What turns a store of the version before into this version's (`winnow store upgrade`,
    /// by the store's owner, in one transaction), by the version it starts from.
    static let upgrades: [Int: [String]] = [
        2: [
            claimFunction,
            claimFirstFunction,
            "REVOKE ALL ON FUNCTION public.winnow_claim_first(text[], text, int) FROM PUBLIC",
            "GRANT EXECUTE ON FUNCTION public.winnow_claim_first(text[], text, int) TO winnow_reviewer",
        ],
    ]
}
