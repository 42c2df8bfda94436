// What the two UIs say alike about the portal's domain: the data APIs, the partner categories, states.
import { badge, definition, empty, formatDate, go, h, t, table } from "./core.js";

// The APIs a partner can ask access to (the apps service's DATA_APIS) and the partner categories
// (the partners service's CATEGORIES); their labels live in texts.js.
export const API_NAMES = ["leerlingen", "personeel", "internen", "voorinschrijvingen", "rekeningen"];
export const CATEGORIES = [
  "administratie", "boekhouding", "communicatie", "hrm", "leerplatform", "leerlingvolgsysteem", "planning", "andere",
];

// The webhook events an endpoint can subscribe to (the webhooks service's SUBSCRIBABLE); labels in texts.js.
export const WEBHOOK_EVENTS = [
  "application.approved", "application.rejected", "application.change_approved", "grants.changed", "grants.expired",
  "client_secret.expiring", "access_request.answered", "access_request.expired",
];
// A webhook delivery's states (the webhooks service's DeliveryStatus).
export const DELIVERY_STATUSES = ["pending", "delivered", "failed"];

export const apiLabel = (name) => t(`api.${name}`);
export const categoryLabel = (key) => t(`category.${key}`);
export const requestStateBadge = (state) => h("span", { class: `badge badge-${state}` }, t(`request.${state}`));

/** An application's status, and whether a change of it waits for the moderator. */
export const statusBadges = (app) => [badge(app.status),
  app.pending_change ? [" ", h("span", { class: "badge badge-pending" }, t("change.pending_badge"))] : null];

/** What a change of an approved application asks for: a new name (old → new) and the APIs it adds. */
export function changeDiff({ name, apis_added: added }, currentName) {
  return definition([
    ...(name ? [[t("change.name"), h("span", {}, h("del", {}, currentName), " → ", h("ins", {}, name))]] : []),
    ...(added.length ? [[t("change.apis_added"), added.map(apiLabel).join(", ")]] : []),
  ]);
}

/** One history entry: a status transition as badges, anything else as what happened and its details. */
function historyChange(change) {
  if (change.kind === "status") {
    return [change.from_status ? [badge(change.from_status), " → "] : "", badge(change.to_status)];
  }
  const details = change.details || {};
  const parts = [
    ...(details.fields ? [details.fields.map((name) => t(`apps.${name === "apis" ? "api_access" : name}`)).join(", ")] : []),
    ...(details.name ? [`${t("change.name")}: ${details.name[0]} → ${details.name[1]}`] : []),
    ...(details.apis_added ? [`${t("change.apis_added")}: ${details.apis_added.map(apiLabel).join(", ")}`] : []),
  ];
  return [h("strong", {}, t(`history.kind_${change.kind}`)), parts.length ? ` (${parts.join("; ")})` : ""];
}

/** An application's status changes, edits and decisions on changes; the back-office also shows who made each. */
export function statusHistory(history, { withAuthor = false } = {}) {
  if (!history.length) return empty(t("history.empty"));
  return table([
    [t("history.when"), (change) => formatDate(change.changed_at)],
    [t("history.change"), historyChange],
    ...(withAuthor ? [[t("history.by"), (change) => person(change.changed_by, change.changed_by_email)]] : []),
    [t("history.reason"), (change) => change.reason || "—"],
  ], history);
}

/**
 * Who acted: their e-mail address as the service knows it; "the portal" for what the system did itself;
 * the account id only when the service has not learnt who it is.
 */
export function person(accountId, email) {
  if (email) return email;
  if (!accountId || accountId === "system") return t("people.system");
  return h("span", { class: "unknown-person", title: accountId }, t("people.unknown", { id: accountId.slice(0, 8) }));
}

/** A search form whose values become the query of ``target`` (empty ones left out). */
export function searchForm(target, fields) {
  return h("form", { class: "search", role: "search", onsubmit: (event) => {
    event.preventDefault();
    const values = Object.fromEntries([...new FormData(event.target)].filter(([, value]) => value !== ""));
    go(`${target}?${new URLSearchParams(values)}`);
  } }, fields, h("button", { type: "submit" }, t("action.search")));
}
