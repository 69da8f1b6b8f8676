-- Core location, V1.1: login sessions and per-user locale settings.

ALTER TABLE public.app_user
    ADD COLUMN locale    varchar(16) NOT NULL DEFAULT 'en-US',
    ADD COLUMN time_zone varchar(64) NOT NULL DEFAULT 'UTC';

CREATE TABLE public.user_session (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      bigint      NOT NULL REFERENCES public.app_user (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    ip_address   inet,
    user_agent   text,
    revoked_at   timestamptz,
    CONSTRAINT user_session_expiry_check CHECK (expires_at > created_at)
);

CREATE INDEX user_session_user_id_idx ON public.user_session (user_id);
CREATE INDEX user_session_active_idx ON public.user_session (expires_at) WHERE revoked_at IS NULL;
