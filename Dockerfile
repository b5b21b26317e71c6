# One image for the gateway (CMD) and the vendor simulators (command: node dist/apps/vendor-sim/apps/vendor-sim/src/main.js).
# Node 22 LTS: production dependencies (cookie, content-disposition, file-type) declare node >=22, @nestjs/swagger
# >=22.12, and the Nest CLI's build >=22.22.3. The minor is pinned: the one the tests run on (.ci/run).
ARG NODE_IMAGE=node:22.23-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build

FROM ${NODE_IMAGE}
ENV NODE_ENV=production PORT=3000
WORKDIR /app
# A clean production install, not a prune of the build stage: no dev packages, no install scripts run.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
# 3000: the gateway; 4100-4104: the simulators (admin, didi, huawei, ucloud, cecstack), on loopback only.
EXPOSE 3000
# No curl in a slim image: Node's fetch. Liveness only, so a draining replica is not reported unhealthy.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/gateway/apps/gateway/src/main.js"]
