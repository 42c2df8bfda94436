// The token benchmark's peer: node-oidc-provider (pinned in package.json) as a cluster of worker
// processes, one client_credentials client, ES256-signed JWT access tokens of 900 s, keys in memory.
// Usage: node server.mjs PORT WORKERS CLIENT_ID CLIENT_SECRET
import cluster from "node:cluster";
import crypto from "node:crypto";
import http from "node:http";

const [port, workers, clientId, clientSecret] = process.argv.slice(2);

if (cluster.isPrimary) {
  // One signing key for every worker, as our identity service shares its key through the database.
  const { privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = { ...privateKey.export({ format: "jwk" }), alg: "ES256", use: "sig", kid: "bench" };
  for (let i = 0; i < Number(workers); i++) cluster.fork({ PEER_JWK: JSON.stringify(jwk) });
  cluster.on("exit", () => process.exit(1));
  process.on("SIGTERM", () => {
    for (const worker of Object.values(cluster.workers)) worker.kill("SIGTERM");
    process.exit(0);
  });
} else {
  const { default: Provider } = await import("oidc-provider");
  const provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: "client_secret_post",
      id_token_signed_response_alg: "ES256",
    }],
    jwks: { keys: [JSON.parse(process.env.PEER_JWK)] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => "https://data-apis.example",
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: "leerlingen personeel",
          audience: "data-apis",
          accessTokenTTL: 900,
          accessTokenFormat: "jwt",
          jwt: { sign: { alg: "ES256" } },
        }),
      },
    },
  });
  http.createServer(provider.callback()).listen(Number(port), "127.0.0.1");
}
