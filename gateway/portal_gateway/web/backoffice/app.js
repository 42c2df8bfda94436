// The back-office: moderators judge applications and oversee profiles, grants and mail; school admins
// answer access requests and adjust or revoke what applications may read of their schools. One UI,
// menus by role.
import {
  ApiError, FormError, Session, api, apiPage, badge, checkboxes, definition, dialog, download, empty, errorPanel, field, form,
  drawShell, formatDate, formatDay, go, h, listCount, notice, pager, perform, startApp, t, table,
} from "/assets/core.js";
import {
  API_NAMES, CATEGORIES, apiLabel, categoryLabel, changeDiff, person, searchForm, statusBadges, statusHistory,
} from "/assets/common.js";
import { accountDetail, accounts, newAccount } from "./accounts.js";

const session = new Session("portal-back-office", "/backoffice/");
const roles = () => session.account?.roles || [];
const isModerator = () => roles().includes("moderator");
const isSchoolAdmin = () => roles().includes("school-admin");
const STATUSES = ["new", "approved", "rejected", "archived"];

function home() {
  if (isModerator()) return queue({});
  if (isSchoolAdmin()) return accessList({});
  return h("section", {}, h("h1", {}, t("back.title")), h("p", { class: "notice error" }, t("back.no_role")));
}

// ---------------------------------------------------------------------------------------- moderators
function applicationTable(items) {
  return table([
    [t("apps.name"), (app) => h("a", { href: `#/applications/${app.id}` }, app.name), (app) => app.name],
    [t("back.partner"), (app) => (app.partner_id && app.partner_name
      ? h("a", { href: `#/profiles/${app.partner_id}` }, app.partner_name) : app.partner_name || "—"),
    (app) => app.partner_name],
    [t("apps.status"), statusBadges, (app) => t(`status.${app.status}`)],
    [t("apps.apis"), (app) => app.apis.map(apiLabel).join(", ")],
    [t("apps.created_at"), (app) => formatDate(app.created_at), (app) => app.created_at],
  ], items);
}

async function queue(query) {
  const [{ items, pagination }, changes] = await Promise.all([
    apiPage("/api/v1/admin/applications", { status: "new", oldest_first: true, page: query.page || 1 }),
    apiPage("/api/v1/admin/applications/changes", { page: query.changes || 1 }),
  ]);
  return h("section", {},
    h("h1", {}, t("queue.title")),
    h("p", {}, t("queue.intro")),
    items.length ? applicationTable(items) : empty(t("queue.empty")),
    pager(pagination, (next) => go(`#/queue?${new URLSearchParams({ ...query, page: next })}`)),
    h("h2", {}, t("change.queue_title")),
    h("p", {}, t("change.queue_intro")),
    changes.items.length
      ? table([
        [t("apps.name"), (app) => h("a", { href: `#/applications/${app.id}` }, app.name)],
        [t("back.partner"), (app) => app.partner_name || "—"],
        [t("change.pending_title"), (app) => changeDiff(app.pending_change, app.name)],
        [t("change.requested"), (app) => formatDate(app.pending_change.requested_at)],
      ], changes.items)
      : empty(t("change.queue_empty")),
    pager(changes.pagination, (next) => go(`#/queue?${new URLSearchParams({ ...query, changes: next })}`)));
}

async function applications(query) {
  const { items, pagination } = await apiPage("/api/v1/admin/applications", { ...query, page: query.page || 1 });
  return h("section", {},
    h("h1", {}, t("search.apps_title")),
    searchForm("#/applications", [
      field({ label: t("search.text"), name: "q", type: "search", value: query.q || "" }),
      field({ label: t("apps.status"), name: "status", value: query.status || "",
        options: [["", t("search.any")], ...STATUSES.map((status) => [status, t(`status.${status}`)])] }),
      field({ label: t("apps.api_access"), name: "api", value: query.api || "",
        options: [["", t("search.any")], ...API_NAMES.map((name) => [name, apiLabel(name)])] }),
    ]),
    listCount(pagination, items),
    items.length ? applicationTable(items) : empty(t("search.none")),
    pager(pagination, (next) => go(`#/applications?${new URLSearchParams({ ...query, page: next })}`)));
}

async function applicationDetail(applicationId) {
  const id = encodeURIComponent(applicationId);
  const [app, history] = await Promise.all([
    api("GET", `/api/v1/admin/applications/${id}`),
    api("GET", `/api/v1/admin/applications/${id}/history`),
  ]);
  const partner = await partnerProfile(app.partner_id);
  const act = (action, body) => perform(() => api("POST", `/api/v1/admin/applications/${id}/${action}`, { body }),
    t(`moderate.${action}_done`, { name: app.name }), `#/applications/${app.id}`);
  const change = app.pending_change;
  const judge = (decision, body) => perform(
    () => api("POST", `/api/v1/admin/applications/${id}/changes/${encodeURIComponent(change.id)}/${decision}`, { body }),
    t(`change.${decision}_done`, { name: app.name }), `#/applications/${app.id}`);
  return h("section", {},
    h("p", {}, h("a", { href: "#/queue" }, t("queue.back"))),
    h("div", { class: "title-row" }, h("h1", {}, app.name), badge(app.status)),
    definition([
      [t("back.partner"), partner ? h("a", { href: `#/profiles/${partner.id}` }, partner.name) : app.partner_name],
      [t("apps.description"), h("span", { class: "pre" }, app.description)],
      [t("apps.technical_contact"), app.technical_contact],
      [t("apps.contact_email"), app.contact_email],
      [t("apps.api_access"), app.apis.map(apiLabel).join(", ")],
      [t("apps.client_id"), app.client_id ? h("code", {}, app.client_id) : "—"],
      [t("apps.created_at"), formatDate(app.created_at)],
    ]),
    h("div", { class: "actions" },
      app.status === "new" ? [
        h("button", { type: "button", class: "primary", onclick: () => act("approve") }, t("moderate.approve")),
        h("button", { type: "button", class: "danger", onclick: async () => {
          const reason = await askReason(t("moderate.reject_title", { name: app.name }));
          if (reason) await act("reject", { reason });
        } }, t("moderate.reject")),
      ] : null,
      app.status === "approved"
        ? h("button", { type: "button", class: "danger", onclick: async () => {
          const answer = await dialog({ title: t("moderate.archive_title", { name: app.name }),
            body: h("p", {}, t("moderate.archive_warning")),
            buttons: [{ label: t("action.cancel"), value: "" }, { label: t("apps.archive"), value: "go", danger: true }] });
          if (answer === "go") await act("archive");
        } }, t("apps.archive"))
        : null,
      app.client_id && isModerator()
        ? h("button", { type: "button", class: "danger", onclick: () => revokeAllSecrets(app) }, t("secrets.revoke_all"))
        : null),
    change ? h("section", { class: "pending-change", "aria-labelledby": "pending-change" },
      h("h2", { id: "pending-change" }, t("change.pending_title")),
      h("p", {}, `${t("change.requested")}: ${formatDate(change.requested_at)} · `,
        person(change.requested_by, change.requested_by_email)),
      changeDiff(change, app.name),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "primary", onclick: () => judge("approve") }, t("change.approve")),
        h("button", { type: "button", class: "danger", onclick: async () => {
          const reason = await askReason(t("change.reject_title", { name: app.name }));
          if (reason) await judge("reject", { reason });
        } }, t("change.reject")))) : null,
    h("section", { class: "partner-section", "aria-labelledby": "partner-section" },
      h("h2", { id: "partner-section" }, t("back.partner")),
      partner ? [partnerFacts(partner),
        h("p", {}, h("a", { href: `#/profiles/${partner.id}` }, t("profiles.open", { name: partner.name })))]
        : h("p", {}, t("profiles.unknown"))),
    h("h2", {}, t("history.title")),
    statusHistory(history, { withAuthor: true }));
}

/** A partner's profile as a moderator may read it, or null when it is not (or no longer) there. */
async function partnerProfile(partnerId) {
  if (!partnerId) return null;
  try {
    return await api("GET", `/api/v1/admin/profiles/${encodeURIComponent(partnerId)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** Who the partner is and how to reach them: what a moderator checks before approving. */
function partnerFacts(profile) {
  const address = profile.address || {};
  return definition([
    [t("profile.name"), profile.name],
    [t("profile.enterprise_number"), profile.enterprise_number],
    [t("profile.website"), profile.website
      ? h("a", { href: profile.website, rel: "noopener noreferrer", target: "_blank" }, profile.website) : null],
    [t("profile.contact_person"), profile.contact_person],
    [t("profile.email"), profile.email ? h("a", { href: `mailto:${profile.email}` }, profile.email) : null],
    [t("profile.address"), address.street ? [`${address.street} ${address.number}`,
      `${address.postal_code} ${address.city}`, address.country].filter(Boolean).join(", ") : null],
    [t("profile.category"), (profile.categories || []).map(categoryLabel).join(", ")],
    [t("profiles.visibility"), profile.public ? t("profile.is_public") : t("profile.is_private")],
    [t("profiles.state"), profile.active ? t("profiles.active") : t("profiles.inactive")],
  ]);
}

async function profileDetail(partnerId) {
  const id = encodeURIComponent(partnerId);
  const [profile, { items }] = await Promise.all([
    api("GET", `/api/v1/admin/profiles/${id}`),
    apiPage("/api/v1/admin/applications", { partner_id: partnerId, page_size: 100 }),
  ]);
  const action = profile.active ? "deactivate" : "reactivate";
  return h("section", {},
    h("p", {}, h("a", { href: "#/profiles" }, t("profiles.back"))),
    h("div", { class: "title-row" }, h("h1", {}, profile.name),
      h("span", { class: `badge badge-${profile.active ? "approved" : "archived"}` },
        profile.active ? t("profiles.active") : t("profiles.inactive"))),
    partnerFacts(profile),
    profile.description ? [h("h2", {}, t("profile.description")), h("p", { class: "pre" }, profile.description)] : null,
    profile.extra_info ? [h("h2", {}, t("profile.extra_info")), h("p", { class: "pre" }, profile.extra_info)] : null,
    h("div", { class: "actions" }, h("button", { type: "button", class: profile.active ? "danger" : "",
      onclick: () => toggleProfile(profile, `#/profiles/${profile.id}`) }, t(`profiles.${action}`))),
    h("h2", {}, t("profiles.applications")),
    items.length ? applicationTable(items) : empty(t("search.none")));
}

/** The emergency stop for a leaked secret the partner cannot be reached about: every secret of the client ends now. */
async function revokeAllSecrets(app) {
  let revoked = null;
  const revokeForm = form({
    label: t("secrets.revoke_all_title", { name: app.name }),
    submit: t("secrets.revoke_all"),
    danger: true,
    children: [field({ label: t("moderate.reason"), name: "reason", rows: 4, required: true, maxlength: 2000,
      hint: t("secrets.reason_hint") })],
    onSubmit: async (values) => {
      if (!values.reason.trim()) {
        throw new FormError(t("moderate.reason_missing"), [{ field: "reason", detail: t("secrets.reason_required") }]);
      }
      revoked = await api("POST", `/api/v1/admin/clients/${encodeURIComponent(app.client_id)}/revoke-secrets`,
        { body: { reason: values.reason.trim() } });
      revokeForm.closest("dialog").close("revoked");
    },
  });
  await dialog({ title: t("secrets.revoke_all_title", { name: app.name }),
    body: h("div", {}, h("p", { class: "notice warning" }, t("secrets.revoke_all_warning")), revokeForm),
    buttons: [{ label: t("action.cancel"), value: "" }] });
  if (revoked) notice(t("secrets.revoke_all_done", { name: app.name, count: revoked.revoked }));
}

/** A rejection's reason, asked in a dialog titled ``title``; null when the moderator cancels. */
async function askReason(title) {
  let reason = null;
  const rejectForm = form({
    label: title,
    submit: t("moderate.reject"),
    danger: true,
    children: [field({ label: t("moderate.reason"), name: "reason", rows: 4, required: true, maxlength: 2000,
      hint: t("moderate.reason_hint") })],
    onSubmit: async (values) => {
      if (!values.reason.trim()) {
        throw new FormError(t("moderate.reason_missing"), [{ field: "reason", detail: t("moderate.reason_required") }]);
      }
      reason = values.reason.trim();
      rejectForm.closest("dialog").close("reject");
    },
  });
  await dialog({ title, body: rejectForm, buttons: [{ label: t("action.cancel"), value: "" }] });
  return reason;
}

/** Deactivate (after a yes: the partner vanishes from the directory) or reactivate a profile, then show ``then``. */
async function toggleProfile(profile, then) {
  const action = profile.active ? "deactivate" : "reactivate";
  if (profile.active) {
    const answer = await dialog({ title: t("profiles.deactivate_title", { name: profile.name }),
      body: h("p", {}, t("profiles.deactivate_warning")),
      buttons: [{ label: t("action.cancel"), value: "" }, { label: t("profiles.deactivate"), value: "go", danger: true }] });
    if (answer !== "go") return;
  }
  await perform(() => api("POST", `/api/v1/admin/profiles/${encodeURIComponent(profile.id)}/${action}`),
    t(`profiles.${action}_done`, { name: profile.name }), then);
}

async function profiles(query) {
  const { items, pagination } = await apiPage("/api/v1/admin/profiles", { ...query, page: query.page || 1 });
  const toggle = (profile) => toggleProfile(profile, `#/profiles?${new URLSearchParams(query)}`);
  return h("section", {},
    h("h1", {}, t("profiles.title")),
    searchForm("#/profiles", [
      field({ label: t("search.text"), name: "q", type: "search", value: query.q || "" }),
      field({ label: t("profile.category"), name: "category", value: query.category || "",
        options: [["", t("search.any")], ...CATEGORIES.map((key) => [key, categoryLabel(key)])] }),
      field({ label: t("profiles.state"), name: "active", value: query.active || "",
        options: [["", t("search.any")], ["true", t("profiles.active")], ["false", t("profiles.inactive")]] }),
    ]),
    listCount(pagination, items),
    items.length
      ? table([
        [t("profile.name"), (profile) => h("a", { href: `#/profiles/${profile.id}` }, profile.name), (profile) => profile.name],
        [t("profile.category"), (profile) => profile.categories.map(categoryLabel).join(", "),
          (profile) => profile.categories.map(categoryLabel).join(", ")],
        [t("profile.email"), (profile) => profile.email, (profile) => profile.email],
        [t("profiles.visibility"), (profile) => (profile.public ? t("profile.is_public") : t("profile.is_private"))],
        [t("profiles.state"), (profile) => (profile.active ? t("profiles.active") : t("profiles.inactive"))],
        ["", (profile) => h("button", { type: "button", class: profile.active ? "danger" : "",
          onclick: () => toggle(profile) }, profile.active ? t("profiles.deactivate") : t("profiles.reactivate"))],
      ], items)
      : empty(t("search.none")),
    pager(pagination, (next) => go(`#/profiles?${new URLSearchParams({ ...query, page: next })}`)));
}

async function ledger(query) {
  const filters = { q: query.q, institution_number: query.institution_number, api: query.api,
    include_revoked: query.include_revoked };
  const { items, pagination } = await apiPage("/api/v1/admin/grants", { ...filters, page: query.page || 1 });
  return h("section", {},
    h("div", { class: "title-row" }, h("h1", {}, t("ledger.title")),
      h("button", { type: "button", onclick: () => download("/api/v1/admin/grants/export.csv", filters, "toestemmingen.csv")
        .catch((error) => notice(error.message, "error")) }, t("ledger.export"))),
    h("p", {}, isModerator() ? t("ledger.intro_moderator") : t("ledger.intro_admin")),
    searchForm("#/ledger", [
      field({ label: t("search.text"), name: "q", type: "search", value: query.q || "" }),
      field({ label: t("access.institution"), name: "institution_number", value: query.institution_number || "" }),
      field({ label: t("apps.api_access"), name: "api", value: query.api || "",
        options: [["", t("search.any")], ...API_NAMES.map((name) => [name, apiLabel(name)])] }),
      field({ label: t("ledger.include_revoked"), name: "include_revoked", value: query.include_revoked || "",
        options: [["", t("answer.no")], ["true", t("answer.yes")]] }),
    ]),
    listCount(pagination, items),
    items.length
      ? table([
        [t("apps.name"), (entry) => (isSchoolAdmin()
          ? h("a", { href: `#/access/${entry.application_id}` }, entry.application_name)
          : h("a", { href: `#/applications/${entry.application_id}` }, entry.application_name)),
        (entry) => entry.application_name],
        [t("back.partner"), (entry) => entry.partner_name || "—", (entry) => entry.partner_name],
        [t("access.school"), (entry) => `${entry.school_name || ""} (${entry.institution_number})`,
          (entry) => entry.school_name || entry.institution_number],
        [t("access.api"), (entry) => apiLabel(entry.api), (entry) => apiLabel(entry.api)],
        [t("ledger.granted"), (entry) => [formatDate(entry.granted_at), " · ",
          person(entry.granted_by, entry.granted_by_email)], (entry) => entry.granted_at],
        [t("ledger.revoked"), (entry) => (entry.revoked_at
          ? [formatDate(entry.revoked_at), " · ", entry.expired ? t("ledger.expired")
            : person(entry.revoked_by, entry.revoked_by_email)] : "—")],
        [t("access.ends_on"), (entry) => formatDay(entry.ends_on), (entry) => entry.ends_on],
      ], items)
      : empty(t("ledger.empty")),
    pager(pagination, (next) => go(`#/ledger?${new URLSearchParams({ ...query, page: next })}`)));
}

async function deliveries(query) {
  const { items, pagination } = await apiPage("/api/v1/admin/mail/deliveries", {
    status: query.status, recipient: query.recipient, page: query.page || 1,
  });
  const retry = (delivery) => perform(() => api("POST", `/api/v1/admin/mail/deliveries/${delivery.id}/retry`),
    t("mail.retried", { to: delivery.recipient }), `#/mail?${new URLSearchParams(query)}`);
  return h("section", {},
    h("h1", {}, t("mail.title")),
    searchForm("#/mail", [
      field({ label: t("mail.search_recipient"), name: "recipient", type: "search", value: query.recipient || "",
        hint: t("mail.recipient_hint") }),
      field({ label: t("mail.status"), name: "status", value: query.status || "",
        options: [["", t("search.any")], ...["pending", "sent", "failed"].map((state) => [state, t(`mail.${state}`)])] }),
    ]),
    listCount(pagination, items),
    items.length
      ? table([
        [t("mail.created_at"), (delivery) => formatDate(delivery.created_at), (delivery) => delivery.created_at],
        [t("mail.recipient"), (delivery) => delivery.recipient, (delivery) => delivery.recipient],
        [t("mail.subject"), (delivery) => h("details", { class: "preview" }, h("summary", {}, delivery.subject),
          h("pre", { "aria-label": t("mail.preview_of", { subject: delivery.subject }) }, delivery.preview)),
        (delivery) => delivery.subject],
        [t("mail.status"), (delivery) => h("span", { class: `badge badge-${delivery.status}` }, t(`mail.${delivery.status}`)),
          (delivery) => t(`mail.${delivery.status}`)],
        [t("mail.attempts"), (delivery) => String(delivery.attempts)],
        [t("mail.error"), (delivery) => delivery.last_error || "—"],
        ["", (delivery) => (delivery.status === "failed"
          ? h("button", { type: "button", onclick: () => retry(delivery) }, t("mail.retry")) : "")],
      ], items)
      : empty(t("mail.empty")),
    pager(pagination, (next) => go(`#/mail?${new URLSearchParams({ ...query, page: next })}`)));
}

// ------------------------------------------------------------------------------------- school admins
/** The form that sets, per school of the admin, which of the application's APIs it may read. */
function grantForm(access, { requestId, token }) {
  const appApis = access.apis;
  return form({
    label: t("grant.title"),
    submit: t("grant.save"),
    actions: [h("a", { class: "button", href: "#/access" }, t("action.cancel"))],
    children: access.schools.length
      ? access.schools.map((school) => h("div", { class: "school" },
        checkboxes({
          legend: `${school.name || t("grant.unknown_school")} (${school.institution_number})`,
          name: `school.${school.institution_number}`,
          checked: school.grants,
          choices: appApis.map((name) => [name, apiLabel(name)]),
        }),
        field({ label: t("grant.ends_on"), name: `grants.${school.institution_number}`, type: "date",
          value: school.ends_on || "", hint: t("grant.ends_on_hint") })))
      : [empty(t("grant.no_schools"))],
    onSubmit: async (_, element) => {
      const schools = access.schools.map((school) => ({
        institution_number: school.institution_number,
        apis: [...element.querySelectorAll(`input[name="school.${school.institution_number}"]:checked`)]
          .map((box) => box.value),
        ends_on: element.querySelector(`input[name="grants.${school.institution_number}"]`).value || null,
      }));
      const revoking = access.schools.some((school) => school.grants.some((name) =>
        !schools.find((choice) => choice.institution_number === school.institution_number).apis.includes(name)));
      if (revoking) {
        const answer = await dialog({ title: t("grant.revoke_title"), body: h("p", {}, t("grant.revoke_warning")),
          buttons: [{ label: t("action.cancel"), value: "" }, { label: t("grant.revoke_confirm"), value: "go", danger: true }] });
        if (answer !== "go") return;
      }
      await api("PUT", `/api/v1/admin/grants/applications/${access.application_id}`,
        { body: { schools, request_id: requestId ?? null, token: token ?? null } });
      notice(t("grant.saved", { name: access.name }));
      go(`#/access/${access.application_id}`);
    },
  });
}

const mailLink = (address) => (address ? h("a", { href: `mailto:${address}` }, address) : "—");

function accessSummary(access) {
  return definition([
    [t("back.partner"), access.partner_name],
    [t("grant.partner_email"), mailLink(access.partner_email)],
    [t("grant.contact_email"), mailLink(access.contact_email)],
    [t("apps.description"), h("span", { class: "pre" }, access.description)],
    [t("grant.requested_apis"), access.apis.map(apiLabel).join(", ")],
  ]);
}

async function requestPage(requestId, query) {
  let access;
  try {
    access = await api("GET", `/api/v1/admin/access-requests/${encodeURIComponent(requestId)}`,
      { query: { token: query.token } });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return h("section", {}, h("h1", {}, t("grant.request_title")), errorPanel(error));
  }
  return h("section", {},
    h("h1", {}, t("grant.request_heading", { name: access.name })),
    h("p", {}, t("grant.request_intro", { partner: access.partner_name || "" })),
    accessSummary(access),
    h("p", { class: "hint" }, t("grant.link_valid_until", { when: formatDate(access.expires_at, false) })),
    h("h2", {}, t("grant.your_schools")),
    grantForm(access, { requestId: access.request_id, token: query.token }),
    h("h2", {}, t("decline.heading")),
    h("p", {}, t("decline.intro")),
    h("button", { type: "button", class: "danger", onclick: () => declineRequest(access, query.token) },
      t("decline.action")));
}

/** "Weigeren": the request is answered without access; the partner gets the optional reason. */
async function declineRequest(access, token) {
  let declined = false;
  const declineForm = form({
    label: t("decline.title", { name: access.name }),
    submit: t("decline.action"),
    danger: true,
    children: [field({ label: t("decline.reason"), name: "reason", rows: 4, maxlength: 2000,
      hint: t("decline.reason_hint") })],
    onSubmit: async (values) => {
      await api("POST", `/api/v1/admin/access-requests/${encodeURIComponent(access.request_id)}/decline`,
        { body: { reason: values.reason?.trim() || null, token: token ?? null } });
      declined = true;
      declineForm.closest("dialog").close("declined");
    },
  });
  await dialog({ title: t("decline.title", { name: access.name }), body: declineForm,
    buttons: [{ label: t("action.cancel"), value: "" }] });
  if (!declined) return;
  notice(t("decline.done", { name: access.name }));
  go("#/inbox");
}

async function inbox(query) {
  const { items, pagination } = await apiPage("/api/v1/admin/access-requests", { ...query, page: query.page || 1 });
  return h("section", {},
    h("h1", {}, t("inbox.title")),
    h("p", {}, t("inbox.intro")),
    searchForm("#/inbox", [field({ label: t("search.text"), name: "q", type: "search", value: query.q || "" })]),
    listCount(pagination, items),
    items.length
      ? table([
        [t("apps.name"), (request) => h("a", { href: `#/requests/${request.id}` }, request.application_name),
          (request) => request.application_name],
        [t("back.partner"), (request) => request.partner_name || "—", (request) => request.partner_name],
        [t("inbox.received"), (request) => formatDate(request.created_at), (request) => request.created_at],
        [t("access.valid_until"), (request) => formatDate(request.expires_at, false), (request) => request.expires_at],
      ], items)
      : empty(query.q ? t("search.none") : t("inbox.empty")),
    pager(pagination, (next) => go(`#/inbox?${new URLSearchParams({ ...query, page: next })}`)));
}

async function accessList(query) {
  const { items, pagination } = await apiPage("/api/v1/admin/grants", { ...query, page: query.page || 1 });
  const byApp = new Map();
  for (const entry of items) {
    const app = byApp.get(entry.application_id) ?? { ...entry, schools: new Map(), school_names: {} };
    app.school_names[entry.institution_number] = entry.school_name;
    const apis = app.schools.get(entry.institution_number) ?? [];
    apis.push(entry.api);
    app.schools.set(entry.institution_number, apis);
    byApp.set(entry.application_id, app);
  }
  const apps = [...byApp.values()];
  return h("section", {},
    h("h1", {}, t("access.admin_title")),
    h("p", {}, t("access.admin_intro")),
    searchForm("#/access", [field({ label: t("search.text"), name: "q", type: "search", value: query.q || "" })]),
    listCount(pagination, items),
    apps.length
      ? table([
        [t("apps.name"), (app) => h("a", { href: `#/access/${app.application_id}` }, app.application_name)],
        [t("back.partner"), (app) => app.partner_name || "—"],
        [t("access.schools_and_apis"), (app) => h("ul", { class: "plain" }, [...app.schools].map(([number, apis]) =>
          h("li", {}, `${app.school_names[number] || number}: ${apis.map(apiLabel).join(", ")}`)))],
      ], apps)
      : empty(query.q ? t("search.none") : t("access.admin_empty")),
    pager(pagination, (next) => go(`#/access?${new URLSearchParams({ ...query, page: next })}`)),
    h("p", {}, h("a", { href: "#/ledger" }, t("ledger.open"))));
}

async function adjustAccess(applicationId) {
  const access = await api("GET", `/api/v1/admin/grants/applications/${encodeURIComponent(applicationId)}`);
  return h("section", {},
    h("p", {}, h("a", { href: "#/access" }, t("access.back"))),
    h("h1", {}, t("grant.adjust_heading", { name: access.name })),
    accessSummary(access),
    h("p", { class: "hint" }, t("grant.adjust_intro")),
    grantForm(access, {}));
}

/** What expires when: the grants per application and school, soonest end first, each renewable. */
async function grantEnds() {
  const entries = await api("GET", "/api/v1/admin/grants/ends");
  const renew = (entry) => perform(
    () => api("POST", `/api/v1/admin/grants/applications/${encodeURIComponent(entry.application_id)}/renew`,
      { body: { institution_number: entry.institution_number } }),
    t("ends.renewed", { name: entry.application_name, school: entry.school_name || entry.institution_number }),
    "#/grant-ends");
  const mine = new Set(session.account?.institutions || []);
  return h("section", {},
    h("h1", {}, t("ends.title")),
    h("p", {}, t("ends.intro")),
    entries.length
      ? table([
        [t("apps.name"), (entry) => entry.application_name, (entry) => entry.application_name],
        [t("back.partner"), (entry) => entry.partner_name || "—", (entry) => entry.partner_name],
        [t("access.school"), (entry) => `${entry.school_name || ""} (${entry.institution_number})`,
          (entry) => entry.school_name || entry.institution_number],
        [t("access.apis"), (entry) => entry.apis.map(apiLabel).join(", ")],
        [t("access.ends_on"), (entry) => formatDay(entry.ends_on), (entry) => entry.ends_on],
        [t("ends.reminded"), (entry) => formatDate(entry.reminded_at, false) || "—"],
        [t("ends.renew"), (entry) => (mine.has(entry.institution_number)
          ? h("button", { type: "button", onclick: () => renew(entry) }, t("ends.renew_action"))
          : "—")],
      ], entries)
      : empty(t("ends.empty")));
}

/** The reminder mail's one click: the application's grants at one school, renewed for the next school year. */
async function renewalPage(linkId, query) {
  let renewal;
  try {
    renewal = await api("GET", `/api/v1/admin/grants/renewals/${encodeURIComponent(linkId)}`,
      { query: { token: query.token } });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return h("section", {}, h("h1", {}, t("renewal.title")), errorPanel(error));
  }
  const school = `${renewal.school_name || ""} (${renewal.institution_number})`;
  return h("section", {},
    h("h1", {}, t("renewal.heading", { name: renewal.application_name, school })),
    definition([
      [t("back.partner"), renewal.partner_name || "—"],
      ...renewal.grants.map((grant) => [apiLabel(grant.api), t("renewal.until", { day: formatDay(grant.ends_on) })]),
    ]),
    h("p", { class: "hint" }, t("grant.link_valid_until", { when: formatDate(renewal.expires_at, false) })),
    h("button", { type: "button", class: "primary", onclick: () => perform(
      () => api("POST", `/api/v1/admin/grants/renewals/${encodeURIComponent(linkId)}`, { body: { token: query.token } }),
      t("ends.renewed", { name: renewal.application_name, school }), "#/grant-ends") },
    t("renewal.action", { day: formatDay(renewal.renews_until) })));
}

// ---------------------------------------------------------------------------------------------- shell
function shell(path) {
  const menu = [];
  if (isModerator()) {
    menu.push(["#/queue", t("menu.queue"), "queue"], ["#/applications", t("menu.applications"), "applications"],
      ["#/profiles", t("menu.profiles"), "profiles"], ["#/ledger", t("menu.ledger"), "ledger"],
      ["#/mail", t("menu.mail"), "mail"], ["#/accounts", t("menu.accounts"), "accounts"]);
  }
  if (isSchoolAdmin()) {
    menu.push(["#/inbox", t("menu.inbox"), "inbox"], ["#/access", t("menu.access"), "access"],
      ["#/grant-ends", t("menu.grant_ends"), "grant-ends"]);
    if (!isModerator()) menu.push(["#/ledger", t("menu.ledger"), "ledger"]);
  }
  drawShell({ title: t("back.title"), menu, current: path.split("/")[1] || (isModerator() ? "queue" : "access") });
}

const signedIn = { auth: true };
startApp({
  session,
  shell,
  routes: [
    [/^\/$/, home, signedIn],
    [/^\/queue$/, queue, signedIn],
    [/^\/applications$/, applications, signedIn],
    [/^\/applications\/([\w-]+)$/, applicationDetail, signedIn],
    [/^\/profiles$/, profiles, signedIn],
    [/^\/profiles\/([\w-]+)$/, profileDetail, signedIn],
    [/^\/ledger$/, ledger, signedIn],
    [/^\/mail$/, deliveries, signedIn],
    [/^\/accounts$/, accounts, signedIn],
    [/^\/accounts\/new$/, newAccount, signedIn],
    [/^\/accounts\/([\w-]+)$/, accountDetail, signedIn],
    [/^\/requests\/([\w-]+)$/, requestPage, signedIn],
    [/^\/inbox$/, inbox, signedIn],
    [/^\/access$/, accessList, signedIn],
    [/^\/access\/([\w-]+)$/, adjustAccess, signedIn],
    [/^\/grant-ends$/, grantEnds, signedIn],
    [/^\/renewals\/([\w-]+)$/, renewalPage, signedIn],
  ],
  notFound: () => h("section", {}, h("h1", {}, t("error.not_found")), h("p", {}, h("a", { href: "#/" }, t("back.title")))),
});
