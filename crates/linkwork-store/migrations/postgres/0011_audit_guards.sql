-- The audit chain heads can no longer be removed or rewound with ordinary SQL:
-- an append only ever moves a head forward. TRUNCATE, which fires no row
-- triggers, is refused on both audit tables. (Removing these triggers needs
-- the table owner's rights; what that can still hide, an outside checkpoint
-- reveals: see `linkwork audit checkpoint`.)
CREATE FUNCTION audit_heads_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit_heads cannot be deleted';
    END IF;
    IF NEW.seq < OLD.seq OR NEW.chain_id <> OLD.chain_id THEN
        RAISE EXCEPTION 'audit_heads only move forward';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_heads_guarded BEFORE UPDATE OR DELETE ON audit_heads
    FOR EACH ROW EXECUTE FUNCTION audit_heads_guard();

CREATE FUNCTION audit_refuse_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit tables cannot be truncated';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
CREATE TRIGGER audit_heads_no_truncate BEFORE TRUNCATE ON audit_heads
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
