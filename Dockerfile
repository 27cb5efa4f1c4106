# partnerbot: slim, non-root, catalogs compiled by the package's build hook.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml hatch_build.py README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY locales ./locales
# `pip wheel` runs the build hook, which compiles locales/*.po into the wheel.
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 partnerbot \
    && mkdir /data && chown partnerbot:partnerbot /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER partnerbot
WORKDIR /data
ENV PARTNERBOT_DB=/data/partnerbot.sqlite3 \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
# Used only in webhook mode (PARTNERBOT_WEBHOOK_URL set); polling needs no inbound port.
EXPOSE 8443
ENTRYPOINT ["partnerbot"]
CMD ["run"]
