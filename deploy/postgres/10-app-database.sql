-- Run once by the postgres image when its data volume is new (compose.yaml): the app's
-- own database beside the reporting one (POSTGRES_DB).
CREATE DATABASE tk_app;
