-- A Rails 7 application's database as `bin/rails db:schema:load` leaves it: bigserial
-- ids, schema_migrations, ar_internal_metadata, index_<table>_on_<columns> names,
-- fk_rails_<hash> foreign keys.
CREATE TABLE public.schema_migrations (
    version character varying NOT NULL PRIMARY KEY
);
CREATE TABLE public.ar_internal_metadata (
    key character varying NOT NULL PRIMARY KEY,
    value character varying,
    created_at timestamp(6) without time zone NOT NULL,
    updated_at timestamp(6) without time zone NOT NULL
);
CREATE TABLE public.users (
    id bigserial PRIMARY KEY,
    email character varying DEFAULT ''::character varying NOT NULL,
    encrypted_password character varying DEFAULT '' NOT NULL,
    sign_in_count integer DEFAULT 0 NOT NULL,
    admin boolean DEFAULT false NOT NULL,
    created_at timestamp(6) without time zone NOT NULL,
    updated_at timestamp(6) without time zone NOT NULL
);
CREATE UNIQUE INDEX index_users_on_email ON public.users USING btree (email);
CREATE TABLE public.posts (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL,
    title character varying NOT NULL,
    body text,
    published boolean DEFAULT false,
    created_at timestamp(6) without time zone NOT NULL,
    updated_at timestamp(6) without time zone NOT NULL
);
CREATE INDEX index_posts_on_user_id ON public.posts USING btree (user_id);
ALTER TABLE ONLY public.posts
    ADD CONSTRAINT fk_rails_5b5ddfd518 FOREIGN KEY (user_id) REFERENCES public.users(id);
CREATE TABLE public.comments (
    id bigserial PRIMARY KEY,
    post_id bigint NOT NULL,
    body text NOT NULL,
    created_at timestamp(6) without time zone NOT NULL
);
CREATE INDEX index_comments_on_post_id_and_created_at ON public.comments USING btree (post_id, created_at);
ALTER TABLE ONLY public.comments
    ADD CONSTRAINT fk_rails_2fd19c0db7 FOREIGN KEY (post_id) REFERENCES public.posts(id) ON DELETE CASCADE;
