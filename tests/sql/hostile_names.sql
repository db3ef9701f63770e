-- Names no Rust identifier can be: keywords, non-ASCII, digits first, names of the
-- DSL's own prelude; tables without a primary key.
CREATE SCHEMA "type";
CREATE TABLE "type"."fn" ("match" integer, "größe" text, "1st" boolean DEFAULT true);
CREATE TABLE "type"."日本" (id integer PRIMARY KEY, "self" text DEFAULT 'it''s');
CREATE TABLE public."text" (id integer, note text);
CREATE TABLE public."self" (id integer PRIMARY KEY, text_id integer);
CREATE TABLE public."Users" (id integer);
CREATE TABLE public.users (id integer);
