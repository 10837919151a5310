"""The application layer: what the web pages, the JSON API and the command line ask of Kintrace.

One module per area (`records`, `persons`, `sources`, `imports`, `quarantine`, `review`,
`cases`, `accounts`, `signin`, `users`, `audit`, `evidence`, `exchange`, `figures`, `dashboard`,
`shortlists`, `linkage`, `linkruns`, `keys`; `context` opens the registry, `errors` holds the
domain errors a caller reports; `linkjobs` and `indexjobs` the background work a server starts:
link runs after imports, the name index's catch-up). Each service is a plain function that takes

- the caller's unit of work (a SQLAlchemy session: the web request's, or the command's
  `store.session()`; the caller commits), or the `Store` for work that runs its own
  transactions (imports, link runs);
- the `Actor` (user name, role, agency: `kintrace.accounts.actors`) for anything that reads or
  changes a child's data;
- plain values (a query dataclass, ids, text as typed),

and returns plain frozen dataclasses (or raises a domain error with a message a user can act on).
Agency scope, role checks and read-auditing happen inside the service, once, so no route or
command can forget them. Routes and commands only parse, call one service and render.

Below this layer the areas (`kintrace.registry`, `kintrace.review`, `kintrace.linkage`,
`kintrace.accounts`, `kintrace.evidence`, ...) hold the queries and rules; the web and the CLI
import none of them directly, nor SQLAlchemy, nor the store's tables (import-linter contracts in
pyproject.toml). See docs/architecture.md and decisions 0900, 0901.
"""
