# Gozon.Gateway: build context is the repository root (see docker-compose.yaml).
# The four service Dockerfiles share their first stages line for line, so Docker builds the
# restore layer once and reuses it for every image; only the last two stages differ.

# 1. Only the project and build-props files, in their folders. The layer copied from here
#    changes only when a .csproj/.props/.sln changes, so a code change does not re-restore.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS projects
WORKDIR /src
COPY . .
RUN find . -type f ! -name '*.csproj' ! -name '*.props' ! -name '*.targets' ! -name 'global.json' ! -name 'nuget.config' -delete \
 && find . -type d -empty -delete

# 2. Restore every service (same layer for all four images).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS restore
WORKDIR /src
COPY --from=projects /src ./
RUN for p in Gozon.Orders Gozon.Payments Gozon.Gateway Gozon.Web; do dotnet restore "$p/$p.csproj" || exit 1; done

# 3. Sources, then publish this service without restoring again.
FROM restore AS publish
COPY . .
RUN dotnet publish Gozon.Gateway/Gozon.Gateway.csproj -c Release --no-restore -o /app /p:UseAppHost=false

# 4. Runtime: ASP.NET Core only, non-root. The image listens on 8080 (ASPNETCORE_HTTP_PORTS).
#    The compose health check probes /health with bash's /dev/tcp: no curl in the official image.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
COPY --from=publish /app ./
USER $APP_UID
EXPOSE 8080
ENTRYPOINT ["dotnet", "Gozon.Gateway.dll"]
