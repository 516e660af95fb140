-- Changes scripts/demo.sh makes while `binlake run` replicates: they reach the target as CDC
-- files (Op I/U/D first), one per table and batch. Six row changes and one DDL:
SET SESSION time_zone = '+00:00';
INSERT INTO shop.customers (id, name, email, country) VALUES (5001, 'New, customer', 'new@example.com', 'FR');
UPDATE shop.orders SET status = 'shipped', note = 'left the warehouse' WHERE id IN (5, 9);
DELETE FROM shop.products WHERE sku = 'SKU-00001';
-- Files after a DDL carry the new column; each schema version is kept under _binlake/schema.
ALTER TABLE shop.customers ADD COLUMN vip BOOLEAN NOT NULL DEFAULT 0;
UPDATE shop.customers SET vip = 1 WHERE id = 5001;
UPDATE showcase.every_type SET txt = 'changed by CDC', exact = exact + 1 WHERE id = 1;
