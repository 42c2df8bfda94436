-- One database per service: no service reads another's tables.
CREATE DATABASE portal_identity;
CREATE DATABASE portal_partners;
CREATE DATABASE portal_apps;
CREATE DATABASE portal_scopes;
CREATE DATABASE portal_notifier;
CREATE DATABASE portal_webhooks;
