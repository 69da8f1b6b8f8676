-- A video-rental store in the style of the classic PostgreSQL sample databases, written for Keel's codegen tests:
-- domains, an enum, arrays, a tsvector kept up to date by a trigger, PL/pgSQL and SQL functions, an aggregate,
-- triggers, a range-partitioned table, views and a materialized view.

CREATE DOMAIN public.release_year AS integer CHECK (VALUE BETWEEN 1888 AND 2200);
CREATE DOMAIN public."größe" AS numeric(6, 2) CHECK (VALUE >= 0);       -- a non-ASCII identifier
CREATE DOMAIN public.email_address AS text CHECK (VALUE ~ '^[^@\s]+@[^@\s]+$');

CREATE TYPE public.film_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17');

CREATE FUNCTION public.touch_last_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.last_update := now();
    RETURN NEW;
END
$$;

CREATE TABLE public.language (
    language_id serial PRIMARY KEY,
    name        character(20) NOT NULL,
    last_update timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.category (
    category_id serial PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    last_update timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.film (
    film_id          serial PRIMARY KEY,
    title            text NOT NULL,
    description      text,
    release_year     public.release_year,
    language_id      integer NOT NULL REFERENCES public.language (language_id),
    rental_days      smallint NOT NULL DEFAULT 3,
    rental_rate      numeric(4, 2) NOT NULL DEFAULT 4.99,
    length_minutes   smallint,
    rating           public.film_rating DEFAULT 'G',
    special_features text[],
    box_size         public."größe",
    search_text      tsvector NOT NULL DEFAULT ''::tsvector,
    last_update      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX film_search_idx ON public.film USING gist (search_text);
CREATE INDEX film_title_idx ON public.film (title);

CREATE FUNCTION public.film_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_text := to_tsvector('english', coalesce(NEW.title, '') || ' ' || coalesce(NEW.description, ''));
    RETURN NEW;
END
$$;
CREATE TRIGGER film_search_refresh BEFORE INSERT OR UPDATE ON public.film
    FOR EACH ROW EXECUTE FUNCTION public.film_search_refresh();
CREATE TRIGGER film_touch BEFORE UPDATE ON public.film
    FOR EACH ROW EXECUTE FUNCTION public.touch_last_update();

CREATE TABLE public.film_category (
    film_id     integer NOT NULL REFERENCES public.film (film_id) ON DELETE CASCADE,
    category_id integer NOT NULL REFERENCES public.category (category_id),
    PRIMARY KEY (film_id, category_id)
);

CREATE TABLE public.store (
    store_id    serial PRIMARY KEY,
    city        text NOT NULL,
    opened_on   date NOT NULL DEFAULT current_date
);

CREATE TABLE public.customer (
    customer_id serial PRIMARY KEY,
    store_id    integer NOT NULL REFERENCES public.store (store_id),
    first_name  text NOT NULL,
    last_name   text NOT NULL,
    email       public.email_address,
    active      boolean NOT NULL DEFAULT true,
    phone_numbers text[] NOT NULL DEFAULT '{}',
    created_on  date NOT NULL DEFAULT current_date,
    last_update timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER customer_touch BEFORE UPDATE ON public.customer
    FOR EACH ROW EXECUTE FUNCTION public.touch_last_update();

CREATE TABLE public.inventory (
    inventory_id serial PRIMARY KEY,
    film_id      integer NOT NULL REFERENCES public.film (film_id),
    store_id     integer NOT NULL REFERENCES public.store (store_id),
    last_update  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.rental (
    rental_id    serial PRIMARY KEY,
    rented_at    timestamptz NOT NULL DEFAULT now(),
    inventory_id integer NOT NULL REFERENCES public.inventory (inventory_id),
    customer_id  integer NOT NULL REFERENCES public.customer (customer_id),
    returned_at  timestamptz,
    CONSTRAINT rental_returned_after_rented CHECK (returned_at IS NULL OR returned_at >= rented_at)
);
CREATE UNIQUE INDEX rental_open_per_item ON public.rental (inventory_id) WHERE returned_at IS NULL;

-- Payments by quarter, the parent partitioned by range.
CREATE TABLE public.payment (
    payment_id  bigserial,
    customer_id integer NOT NULL REFERENCES public.customer (customer_id),
    rental_id   integer REFERENCES public.rental (rental_id),
    amount      numeric(5, 2) NOT NULL CHECK (amount >= 0),
    paid_at     timestamptz NOT NULL,
    PRIMARY KEY (paid_at, payment_id)
) PARTITION BY RANGE (paid_at);
CREATE TABLE public.payment_2026_q1 PARTITION OF public.payment FOR VALUES FROM ('2026-01-01') TO ('2026-04-01');
CREATE TABLE public.payment_2026_q2 PARTITION OF public.payment FOR VALUES FROM ('2026-04-01') TO ('2026-07-01');
CREATE TABLE public.payment_2026_q3 PARTITION OF public.payment FOR VALUES FROM ('2026-07-01') TO ('2026-10-01');
CREATE TABLE public.payment_2026_q4 PARTITION OF public.payment FOR VALUES FROM ('2026-10-01') TO ('2027-01-01');
CREATE TABLE public.payment_other PARTITION OF public.payment DEFAULT;
CREATE INDEX payment_customer_idx ON public.payment (customer_id);

-- Functions: SQL and PL/pgSQL, with IN/OUT parameters, a set-returning one and an aggregate.
CREATE FUNCTION public.film_in_stock(p_film_id integer, p_store_id integer, OUT p_count integer)
    LANGUAGE sql STABLE AS $$
    SELECT count(*)::integer FROM public.inventory i
    WHERE i.film_id = p_film_id AND i.store_id = p_store_id
      AND NOT EXISTS (SELECT 1 FROM public.rental r WHERE r.inventory_id = i.inventory_id AND r.returned_at IS NULL)
$$;

CREATE FUNCTION public.customer_balance(p_customer_id integer, p_at timestamptz DEFAULT now())
    RETURNS numeric LANGUAGE plpgsql STABLE AS $$
DECLARE
    owed numeric := 0;
    paid numeric := 0;
BEGIN
    SELECT coalesce(sum(f.rental_rate), 0) INTO owed
    FROM public.rental r
    JOIN public.inventory i ON i.inventory_id = r.inventory_id
    JOIN public.film f ON f.film_id = i.film_id
    WHERE r.customer_id = p_customer_id AND r.rented_at <= p_at;
    SELECT coalesce(sum(p.amount), 0) INTO paid
    FROM public.payment p WHERE p.customer_id = p_customer_id AND p.paid_at <= p_at;
    RETURN owed - paid;
END
$$;

CREATE FUNCTION public.films_rated(p_rating public.film_rating) RETURNS SETOF public.film
    LANGUAGE sql STABLE AS $$ SELECT * FROM public.film WHERE rating = p_rating ORDER BY title $$;

CREATE FUNCTION public.concat_with_comma(acc text, next text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN acc IS NULL OR acc = '' THEN next ELSE acc || ', ' || next END
$$;
CREATE AGGREGATE public.comma_list(text) (SFUNC = public.concat_with_comma, STYPE = text);

-- Views.
CREATE VIEW public.film_list AS
    SELECT f.film_id, f.title, f.rating, c.name AS category, f.rental_rate, f.length_minutes
    FROM public.film f
    LEFT JOIN public.film_category fc ON fc.film_id = f.film_id
    LEFT JOIN public.category c ON c.category_id = fc.category_id;

CREATE VIEW public.customer_list AS
    SELECT cu.customer_id, cu.first_name || ' ' || cu.last_name AS name, s.city, cu.active
    FROM public.customer cu JOIN public.store s ON s.store_id = cu.store_id;

CREATE MATERIALIZED VIEW public.revenue_by_category AS
    SELECT c.name AS category, sum(p.amount) AS revenue
    FROM public.payment p
    JOIN public.rental r ON r.rental_id = p.rental_id
    JOIN public.inventory i ON i.inventory_id = r.inventory_id
    JOIN public.film_category fc ON fc.film_id = i.film_id
    JOIN public.category c ON c.category_id = fc.category_id
    GROUP BY c.name
WITH NO DATA;
