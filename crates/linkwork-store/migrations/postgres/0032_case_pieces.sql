-- Cases in the figures' month pieces (issue 10): a referral's status
-- (whether it is closed or declined: the steps between do not count),
-- link worker, closing day and closure reason now mark its month too, and
-- the month it was closed in (before and after the change), so that the
-- cases closed in each month (part `closed`) and the cases open at each
-- month's end (part `open`, good while no month up to its own is marked,
-- as the wellbeing changes are) can be kept. docs/REPORTING.md, "Month
-- pieces". The triggers are migration 31's; their functions change.
CREATE OR REPLACE FUNCTION referrals_figure_mark_added_or_removed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ps BIGINT[]; ms BIGINT[];
BEGIN
    SELECT array_agg(p), array_agg(m) INTO ps, ms
    FROM (SELECT x.programme_id AS p, figure_month(x.received_on) AS m FROM changed_rows x
          UNION SELECT x.programme_id, figure_month(x.closed_on) FROM changed_rows x WHERE x.closed_on IS NOT NULL) v;
    IF ps IS NOT NULL THEN PERFORM figure_mark(ps, ms); END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION referrals_figure_mark_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ps BIGINT[]; ms BIGINT[];
BEGIN
    WITH c AS (
        SELECT o.programme_id AS op, figure_month(o.received_on) AS om, figure_month(o.closed_on) AS oc,
               n.programme_id AS np, figure_month(n.received_on) AS nm, figure_month(n.closed_on) AS nc
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.programme_id, o.site_id, o.participant_id, o.person_date_of_birth, o.source,
               o.received_on, o.first_for_person, o.first_contact_on, o.first_attended_on,
               o.status = 'closed', o.status = 'declined', o.link_worker_id, o.closed_on, o.closure_reason)
              IS DISTINCT FROM
              (n.programme_id, n.site_id, n.participant_id, n.person_date_of_birth, n.source,
               n.received_on, n.first_for_person, n.first_contact_on, n.first_attended_on,
               n.status = 'closed', n.status = 'declined', n.link_worker_id, n.closed_on, n.closure_reason)
    ), v AS (
        SELECT op AS p, om AS m FROM c UNION SELECT np, nm FROM c
        UNION SELECT op, oc FROM c WHERE oc IS NOT NULL UNION SELECT np, nc FROM c WHERE nc IS NOT NULL
    )
    SELECT array_agg(p), array_agg(m) INTO ps, ms FROM v;
    IF ps IS NOT NULL THEN PERFORM figure_mark(ps, ms); END IF;
    RETURN NULL;
END $$;
