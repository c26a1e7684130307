# syntax=docker/dockerfile:1
# Build stage: a static binary (no cgo), reproducible paths, stripped.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/newsdigest ./cmd/newsdigest
RUN mkdir -p /out/data

# Final stage: distroless static — CA certificates and zoneinfo, no shell,
# non-root (uid 65532). The binary also embeds time/tzdata.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/newsdigest /usr/local/bin/newsdigest
COPY --from=build --chown=65532:65532 /out/data /data
ENV NEWSDIGEST_DB=/data/newsdigest.db \
    NEWSDIGEST_HTTP_ADDR=0.0.0.0:8080 \
    NEWSDIGEST_REQUIRE_TOKEN=1
VOLUME ["/data"]
EXPOSE 8080
USER 65532:65532
HEALTHCHECK --interval=30s --timeout=6s --start-period=20s --retries=3 \
    CMD ["/usr/local/bin/newsdigest", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/newsdigest"]
CMD ["run"]
