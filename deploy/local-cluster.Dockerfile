# syntax=docker/dockerfile:1
# The local development cluster (tools/ControlPlane.LocalCluster: the Kubernetes API emulator with GPU Nodes) for
# Docker Compose. Development only. Build context: the repository root; deploy/local-cluster.Dockerfile.dockerignore
# applies (the API image's .dockerignore leaves tests/ out, and this image needs the emulator's sources).

ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY tests/ControlPlane.KubernetesEmulator/ tests/ControlPlane.KubernetesEmulator/
COPY tools/ControlPlane.LocalCluster/ tools/ControlPlane.LocalCluster/
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet publish tools/ControlPlane.LocalCluster/ControlPlane.LocalCluster.csproj \
        --configuration Release --output /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
WORKDIR /app
COPY --from=build /app ./
USER app
EXPOSE 6480 6481
# Other containers (the API) reach it over the Compose network, so it listens on every interface of its container.
ENTRYPOINT ["dotnet", "ControlPlane.LocalCluster.dll", "--listen", "0.0.0.0", "--port", "6480", "--token-port", "6481"]
