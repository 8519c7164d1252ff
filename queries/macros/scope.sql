-- The scope of a report: whose customers it shows. Every query that scopes by account manager does so through
-- these macros, so that the rule is written once and the property test (test/owner-scoping.property.test.ts) finds
-- every such query by their names.

-- owned_by(owner_email, owner): whether a row belongs to the account manager `owner`: '' = the customers without one
-- (owner_email NULL or ''), otherwise the exact address (no pattern, no case folding). A NULL owner owns nothing: a
-- digest for nobody in particular holds no customer rather than everyone's.
CREATE OR REPLACE TEMP MACRO owned_by(owner_email, owner) AS
  (coalesce(owner_email, '') = owner::VARCHAR);

-- in_scope(owner_email, customer_id, owner, customer): a workbook's scope: the account manager `owner`'s rows
-- (owned_by) and, when `customer` is given, that customer's only; NULL for either = no limit on it.
CREATE OR REPLACE TEMP MACRO in_scope(owner_email, customer_id, owner, customer) AS
  ((owner::VARCHAR IS NULL OR owned_by(owner_email, owner))
    AND (customer::VARCHAR IS NULL OR customer_id = customer::VARCHAR));
