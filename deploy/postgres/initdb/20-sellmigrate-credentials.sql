-- The credential store of the worker and the api (credentials.dsn): Zendesk credentials
-- per account, sealed with AES-256-GCM. Its own database, so Temporal's schema tools
-- never see its table; the store creates the table on first use.
CREATE DATABASE sellmigrate;
