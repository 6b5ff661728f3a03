-- A billing system as Rails' schema.rb loading builds it on SQLite.
CREATE TABLE IF NOT EXISTS "customers" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "external_ref" varchar(36) NOT NULL, "name" varchar NOT NULL, "email" varchar, "country_code" varchar(2) DEFAULT 'US' NOT NULL, "metadata" json DEFAULT '{}' NOT NULL, "created_at" datetime(6) NOT NULL, "updated_at" datetime(6) NOT NULL);
CREATE UNIQUE INDEX "index_customers_on_external_ref" ON "customers" ("external_ref");
CREATE UNIQUE INDEX "index_customers_on_lower_email" ON "customers" (lower(email)) WHERE email IS NOT NULL;
CREATE TABLE IF NOT EXISTS "plans" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "code" varchar(64) NOT NULL, "amount_cents" integer NOT NULL, "currency" varchar(3) DEFAULT 'USD' NOT NULL, "interval" varchar(16) NOT NULL, CONSTRAINT plans_amount_positive CHECK (amount_cents > 0));
CREATE UNIQUE INDEX "index_plans_on_code" ON "plans" ("code");
CREATE TABLE IF NOT EXISTS "subscriptions" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "customer_id" integer NOT NULL, "plan_id" integer NOT NULL, "status" varchar(20) DEFAULT 'active' NOT NULL, "current_period_end" datetime(6) NOT NULL, "quantity" integer DEFAULT 1 NOT NULL, CONSTRAINT "fk_rails_2f4c1a7e3b"
FOREIGN KEY ("customer_id")
  REFERENCES "customers" ("id")
 ON DELETE RESTRICT, CONSTRAINT "fk_rails_9b1c0d6e5a"
FOREIGN KEY ("plan_id")
  REFERENCES "plans" ("id")
);
CREATE INDEX "index_subscriptions_on_customer_id" ON "subscriptions" ("customer_id");
CREATE INDEX "index_subscriptions_on_period_end" ON "subscriptions" ("current_period_end" DESC) WHERE status = 'active';
CREATE TABLE IF NOT EXISTS "invoices" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "number" varchar(32) NOT NULL, "customer_id" integer NOT NULL, "subscription_id" integer, "total" decimal(12,2) DEFAULT 0.0 NOT NULL, "issued_on" date, "due_on" date, "paid_at" datetime(6), CONSTRAINT "fk_rails_customer"
FOREIGN KEY ("customer_id")
  REFERENCES "customers" ("id")
, CONSTRAINT "fk_rails_subscription"
FOREIGN KEY ("subscription_id")
  REFERENCES "subscriptions" ("id")
 ON DELETE SET NULL, CONSTRAINT invoices_due_after_issue CHECK (due_on IS NULL OR due_on >= issued_on));
CREATE UNIQUE INDEX "index_invoices_on_number" ON "invoices" ("number");
CREATE INDEX "index_invoices_on_customer_id_and_issued_on" ON "invoices" ("customer_id", "issued_on" DESC);
CREATE TABLE IF NOT EXISTS "invoice_lines" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "invoice_id" integer NOT NULL, "position" integer NOT NULL, "description" text NOT NULL, "quantity" decimal(10,3) DEFAULT 1 NOT NULL, "unit_price" decimal(12,2) NOT NULL, "line_total" decimal(22,5) GENERATED ALWAYS AS ("quantity" * "unit_price") VIRTUAL, CONSTRAINT "fk_rails_invoice"
FOREIGN KEY ("invoice_id")
  REFERENCES "invoices" ("id")
 ON DELETE CASCADE ON UPDATE CASCADE);
CREATE UNIQUE INDEX "index_invoice_lines_on_invoice_id_and_position" ON "invoice_lines" ("invoice_id", "position");
