-- Core location, V2: generic row-level audit log.

CREATE TYPE public.audit_action AS ENUM ('INSERT', 'UPDATE', 'DELETE');

CREATE TABLE public.audit_event (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at  timestamptz  NOT NULL DEFAULT clock_timestamp(),
    table_name   name         NOT NULL,
    action       public.audit_action NOT NULL,
    row_id       text,
    old_row      jsonb,
    new_row      jsonb,
    db_user      name         NOT NULL DEFAULT current_user
);

CREATE INDEX audit_event_table_time_idx ON public.audit_event (table_name, occurred_at DESC);

CREATE FUNCTION public.audit_row_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO public.audit_event (table_name, action, row_id, old_row)
        VALUES (TG_TABLE_NAME, 'DELETE', OLD.id::text, to_jsonb(OLD));
        RETURN OLD;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO public.audit_event (table_name, action, row_id, old_row, new_row)
        VALUES (TG_TABLE_NAME, 'UPDATE', NEW.id::text, to_jsonb(OLD), to_jsonb(NEW));
        RETURN NEW;
    ELSE
        INSERT INTO public.audit_event (table_name, action, row_id, new_row)
        VALUES (TG_TABLE_NAME, 'INSERT', NEW.id::text, to_jsonb(NEW));
        RETURN NEW;
    END IF;
END;
$$;

CREATE TRIGGER account_audit
    AFTER INSERT OR UPDATE OR DELETE ON public.account
    FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();

-- public.subscription comes from the "extra" location (V1.2), which sorts before V2.
CREATE TRIGGER subscription_audit
    AFTER INSERT OR UPDATE OR DELETE ON public.subscription
    FOR EACH ROW EXECUTE FUNCTION public.audit_row_change();
