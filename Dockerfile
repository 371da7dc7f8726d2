# livecode's image: built with Go, run on Debian slim with bubblewrap and the toolchains named by
# the TOOLCHAINS build argument (Debian package names).
# Not built on the machines this was written on (no container engine there); see README "Deploying".
ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# Pure Go (the SQLite driver included): the binary needs no C library from the build stage.
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-X livecode/internal/cli.Version=${VERSION}" \
	-o /out/livecode ./cmd/livecode

FROM debian:bookworm-slim
ARG TOOLCHAINS="python3 nodejs"
RUN apt-get update \
	&& DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		bubblewrap ca-certificates ${TOOLCHAINS} \
	&& rm -rf /var/lib/apt/lists/*
COPY --from=build /out/livecode /usr/local/bin/livecode
ENV PORT=3000 DATABASE_URL=sqlite:/var/lib/livecode/livecode.db \
	COMPILE_CACHE_DIR=/var/cache/livecode/compile
VOLUME ["/var/lib/livecode"]
EXPOSE 3000
# livecode runs as root in the container: it switches each run to its own sandbox uid.
ENTRYPOINT ["/usr/local/bin/livecode"]
CMD ["serve"]
