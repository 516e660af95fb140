-- Sample data for scripts/demo.sh: a small shop and a table with every column type.
-- Uses MariaDB's Sequence engine (seq_1_to_N) to generate rows.
SET SESSION sql_mode = '';
SET SESSION time_zone = '+00:00';
CREATE DATABASE shop;
USE shop;
CREATE TABLE shop.customers (
  id INT PRIMARY KEY, name VARCHAR(60) NOT NULL, email VARCHAR(120), country CHAR(2),
  created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3));
CREATE TABLE shop.products (
  sku VARCHAR(16) PRIMARY KEY, title VARCHAR(100), price DECIMAL(10,2), tags SET('new','sale','eco'),
  attributes JSON);
CREATE TABLE shop.orders (
  id BIGINT PRIMARY KEY, customer_id INT NOT NULL, sku VARCHAR(16), quantity SMALLINT UNSIGNED,
  status ENUM('new','paid','shipped','cancelled'), ordered_at DATETIME(6), note TEXT);

INSERT INTO shop.customers (id, name, email, country, created_at)
SELECT seq, CONCAT('Customer ', seq), IF(seq % 10 = 0, NULL, CONCAT('c', seq, '@example.com')),
       ELT(1 + seq % 4, 'DE', 'US', 'JP', 'BR'),
       TIMESTAMP('2024-01-01 00:00:00') + INTERVAL seq MINUTE
FROM seq_1_to_5000;
INSERT INTO shop.products
SELECT CONCAT('SKU-', LPAD(seq, 5, '0')), CONCAT('Product "', seq, '", deluxe'),
       ROUND(seq * 1.37, 2), ELT(1 + seq % 3, 'new', 'sale,eco', ''),
       JSON_OBJECT('weight_g', seq * 10, 'colors', JSON_ARRAY('red', 'blue'))
FROM seq_1_to_500;
INSERT INTO shop.orders
SELECT seq, 1 + seq % 5000, CONCAT('SKU-', LPAD(1 + seq % 500, 5, '0')), 1 + seq % 7,
       ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'cancelled'),
       TIMESTAMP('2024-06-01 00:00:00') + INTERVAL (seq * 37) SECOND,
       IF(seq % 50 = 0, 'gift wrap, please\nthanks', NULL)
FROM seq_1_to_100000;

CREATE DATABASE showcase;
CREATE TABLE showcase.every_type (
  id INT PRIMARY KEY, tiny TINYINT, big_unsigned BIGINT UNSIGNED, exact DECIMAL(30,10),
  approx DOUBLE, single FLOAT, flags BIT(8), yr YEAR, d DATE, t TIME(3), dt DATETIME(6),
  ts TIMESTAMP(6) NULL, txt VARCHAR(50), bin VARBINARY(8), e ENUM('x','y'), doc JSON,
  shape GEOMETRY);
INSERT INTO showcase.every_type VALUES
 (1, -128, 18446744073709551615, -12345678901234567890.0123456789, 0.1e0 + 0.2e0, 3.14,
  b'10100101', 2024, '2024-02-29', '-838:59:59.999', '2024-02-29 23:59:59.999999',
  '2038-01-19 03:14:07.999999', 'comma, "quote"\nnewline', x'00ff2c0a', 'y',
  '{"a": [1, 2.5, null], "b": "é"}', ST_GeomFromText('POINT(1 2)')),
 (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL),
 (3, 0, 0, 0, -0e0, 0, b'0', 0, '0000-00-00', '00:00:00', '0000-00-00 00:00:00', NULL, '',
  x'', 'x', '[]', NULL);
