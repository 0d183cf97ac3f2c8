# One image with every Switchboard executable; docker-compose.yml runs one process per
# service from it. Build: docker build -t switchboard .
FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libzmq3-dev libsqlite3-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib \
 && mkdir /out \
 && for tool in switchboard router distributor presence ingress-chat ingress-sms ingress-facebook ingress-whatsapp ingress-twitter ingress-custom; do \
      cp "$(swift build -c release --show-bin-path)/$tool" /out/; \
    done

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libzmq5 libsqlite3-0 ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/switchboard switchboard \
 && mkdir -p /var/lib/switchboard /data && chown switchboard /var/lib/switchboard /data
COPY --from=build /out/ /usr/local/bin/
COPY config/switchboard.yaml /etc/switchboard/switchboard.yaml
USER switchboard
WORKDIR /var/lib/switchboard
ENTRYPOINT []
CMD ["switchboard", "validate", "/etc/switchboard/switchboard.yaml"]
