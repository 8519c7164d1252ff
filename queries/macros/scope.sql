-- The scope of a report: whose customers it shows. Every report that scopes by account manager calls owned_by, so
-- that the rule is written once and the property test (test/owner-scoping.property.test.ts) finds every such report
-- by this name.
-- owned_by(owner_email, owner): whether a row belongs to the account manager `owner`: NULL = every account manager,
-- '' = the customers without one (owner_email NULL or ''), otherwise the exact address (no pattern, no case folding).
CREATE OR REPLACE TEMP MACRO owned_by(owner_email, owner) AS
  (owner::VARCHAR IS NULL OR coalesce(owner_email, '') = owner::VARCHAR);

-- in_scope(owner_email, customer_id, owner, customer): owned_by, and when `customer` is not NULL, that customer only.
CREATE OR REPLACE TEMP MACRO in_scope(owner_email, customer_id, owner, customer) AS
  (owned_by(owner_email, owner) AND (customer::VARCHAR IS NULL OR customer_id = customer::VARCHAR));
