# syntax=docker/dockerfile:1
# The mutasi binary: `docker build -t mutasi .`, then
# `docker run mutasi server|worker|migrate` (see docker-compose.yml).

# Build stage: go.mod asks for Go 1.26.8.
FROM golang:1.26.8 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/mutasi ./cmd/mutasi

# Runtime stage: CA certificates for SMTP over TLS, time zones for WIB/WITA/WIT,
# busybox wget for health checks, and an unprivileged user.
FROM alpine:3.22
RUN apk add --no-cache ca-certificates tzdata \
    && addgroup -S -g 10001 mutasi \
    && adduser -S -D -H -u 10001 -G mutasi mutasi
COPY --from=build /out/mutasi /usr/local/bin/mutasi
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["mutasi"]
CMD ["server"]
