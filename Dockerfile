# syntax=docker/dockerfile:1
# Build: a static binary, no cgo, reproducible paths.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/newsdigest ./cmd/newsdigest \
 && mkdir -p /out/data

# Run: distroless static (CA certificates, tzdata, no shell) as a non-root user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/newsdigest /usr/local/bin/newsdigest
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV NEWSDIGEST_DB=/data/newsdigest.db
VOLUME ["/data"]
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/newsdigest"]
CMD ["run"]
