-- The audit chain heads can no longer be removed or rewound with ordinary SQL:
-- an append only ever moves a head forward. (Removing these triggers needs the
-- database owner's rights; what that can still hide, an outside checkpoint
-- reveals: see `linkwork audit checkpoint`.)
CREATE TRIGGER audit_heads_no_delete BEFORE DELETE ON audit_heads
BEGIN
    SELECT RAISE(ABORT, 'audit_heads cannot be deleted');
END;

CREATE TRIGGER audit_heads_forward_only BEFORE UPDATE ON audit_heads
WHEN NEW.seq < OLD.seq OR NEW.chain_id <> OLD.chain_id
BEGIN
    SELECT RAISE(ABORT, 'audit_heads only move forward');
END;
