-- Stands in for migration 004 of another branch of issue #16 (dropped at merge).
SELECT 1;
