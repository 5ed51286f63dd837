DROP TABLE card_stock;
DROP TABLE deliveries;
DROP TABLE order_events;
DROP TABLE orders;
DROP TABLE delivery_rules;
DROP TABLE cards;
DROP TABLE items;
