#include "source/resume_stream.h"

#include "source/replica_server_id.h"
#include "source/source_hosts.h"

namespace binlake {

Result<ResumedStream> OpenResumedStream(const StreamOptions& options, const ResumeRequest& request,
                                        const BackoffPolicy& policy, RetryClock& clock) {
  const uint32_t replica_id = ReplicaServerId(options.server_id, options.task_key);
  ResumedStream out;
  auto attempt = [&]() -> Status {
    ResumedStream found;
    HostCheck usable = [&](MysqlConnection& conn) -> Status {
      const std::string source = conn.config().Describe();
      ASSIGN_OR_RETURN(SourceServer server, ReadSourceServer(conn));
      if (!server.log_bin) {
        return PreconditionFailed("the binary log is off (log_bin=OFF) on the source " + source +
                                  ": CDC reads it");
      }
      ASSIGN_OR_RETURN(ResumePlan plan, PlanResume(request.position, request.what, server, source,
                                                   request.prefer_file_position));
      ASSIGN_OR_RETURN(CdcPreflightReport report, CheckForCdc(conn, plan.start, replica_id));
      RETURN_IF_ERROR(report.FirstError());
      found.server = std::move(server);
      found.plan = std::move(plan);
      found.preflight = std::move(report);
      return Status::Ok();
    };
    ASSIGN_OR_RETURN(found.control, ConnectFirstUsable(options.connection, usable));
    StreamOptions sopts = options;
    sopts.connection = found.control->config();  // that host alone
    sopts.start = found.plan.start;
    ASSIGN_OR_RETURN(found.stream, BinlogEventStream::Open(sopts));
    out = std::move(found);
    return Status::Ok();
  };
  RETURN_IF_ERROR(RetryWithBackoff(
      policy, clock, "opening the binlog stream of " + options.connection.Describe(), attempt));
  return out;
}

}  // namespace binlake
