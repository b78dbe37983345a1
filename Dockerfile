# syntax=docker/dockerfile:1
# Leadtime: one static Go binary in a distroless, non-root image.
#   docker build -t leadtime . && docker run -p 8080:8080 leadtime
# Time zones need no zoneinfo in the image: the binary embeds it (import _ "time/tzdata").

FROM golang:1.26 AS build
WORKDIR /src
# Modules first, so that a code change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/leadtime . \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/leadtime /leadtime
# The embedded store's directory, writable by the non-root user when no volume is mounted.
COPY --from=build --chown=65532:65532 /out/data /data
ENV PORT=8080 DATA_DIR=/data
EXPOSE 8080
# nonroot (65532), numerically: fly.io mounts a volume owned by the image's user, so keep the
# user explicit here (and no swap in fly.toml, which would make fly run the machine as root).
USER 65532:65532
ENTRYPOINT ["/leadtime"]
CMD ["serve"]
