/** The demo database: a small shop (customers, products, orders), with NULLs, JSONB, bytea and a view. */
export const SEED_SQL = `
CREATE TABLE customers (
  id serial PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name text NOT NULL,
  country char(2),
  preferences jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE products (
  id serial PRIMARY KEY,
  sku text NOT NULL UNIQUE,
  name text NOT NULL,
  price numeric(10,2) NOT NULL,
  stock integer NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true,
  thumbnail bytea
);
CREATE TABLE orders (
  id serial PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES customers(id),
  status text NOT NULL,
  total numeric(10,2) NOT NULL,
  shipped_at timestamptz,
  metadata jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE order_items (
  order_id integer NOT NULL REFERENCES orders(id),
  product_id integer NOT NULL REFERENCES products(id),
  quantity integer NOT NULL,
  unit_price numeric(10,2) NOT NULL,
  PRIMARY KEY (order_id, product_id)
);
INSERT INTO customers (email, name, country, preferences, created_at) VALUES
  ('ada@example.com', 'Ada Lovelace', 'GB', '{"newsletter": true, "theme": "dark"}', now() - interval '90 days'),
  ('alan@example.com', 'Alan Turing', 'GB', '{"newsletter": false}', now() - interval '80 days'),
  ('grace@example.com', 'Grace Hopper', 'US', NULL, now() - interval '70 days'),
  ('linus@example.com', 'Linus Torvalds', 'FI', '{"newsletter": true, "tags": ["kernel", "git"]}', now() - interval '60 days'),
  ('margaret@example.com', 'Margaret Hamilton', 'US', '{}', now() - interval '50 days'),
  ('edsger@example.com', 'Edsger Dijkstra', 'NL', NULL, now() - interval '40 days'),
  ('barbara@example.com', 'Barbara Liskov', NULL, '{"theme": "light"}', now() - interval '30 days'),
  ('ken@example.com', 'Ken Thompson', 'US', NULL, now() - interval '20 days');
INSERT INTO products (sku, name, price, stock, active, thumbnail) VALUES
  ('MUG-001', 'kubetile mug', 12.50, 140, true, '\\x89504e470d0a1a0a'),
  ('TEE-002', 'kubetile t-shirt (M)', 24.00, 35, true, NULL),
  ('TEE-003', 'kubetile t-shirt (L)', 24.00, 0, true, NULL),
  ('STK-004', 'sticker pack', 4.99, 1200, true, '\\x47494638396101000100'),
  ('HAT-005', 'winter hat', 19.95, 12, false, NULL),
  ('KEY-006', 'mechanical keyboard', 149.00, 7, true, NULL);
INSERT INTO orders (customer_id, status, total, shipped_at, metadata, created_at) VALUES
  (1, 'shipped', 37.00, now() - interval '10 days', '{"carrier": "dhl", "gift": false}', now() - interval '12 days'),
  (2, 'shipped', 4.99, now() - interval '9 days', '{"carrier": "ups"}', now() - interval '11 days'),
  (3, 'pending', 149.00, NULL, NULL, now() - interval '2 days'),
  (4, 'cancelled', 19.95, NULL, '{"reason": "out of stock"}', now() - interval '5 days'),
  (1, 'pending', 24.00, NULL, '{"gift": true, "note": "Happy birthday!"}', now() - interval '1 day'),
  (5, 'shipped', 62.47, now() - interval '3 days', '{"carrier": "dhl"}', now() - interval '4 days'),
  (7, 'paid', 12.50, NULL, NULL, now() - interval '6 hours');
INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES
  (1, 1, 1, 12.50), (1, 2, 1, 24.00), (2, 4, 1, 4.99), (3, 6, 1, 149.00), (4, 5, 1, 19.95),
  (5, 2, 1, 24.00), (6, 1, 2, 12.50), (6, 4, 1, 4.99), (6, 3, 1, 24.00), (7, 1, 1, 12.50);
CREATE VIEW order_summary AS
  SELECT o.id, c.name AS customer, o.status, o.total, count(i.product_id) AS items, o.created_at
  FROM orders o JOIN customers c ON c.id = o.customer_id LEFT JOIN order_items i ON i.order_id = o.id
  GROUP BY o.id, c.name;
`;
