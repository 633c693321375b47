//! ALM-2: EC2 instance lifecycle changes are notified.

use super::{chain, operations};
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "alm-ec2-instance-changes",
        requirements: &["ALM-2"],
        severity: Severity::Low,
        title: StaticText {
            en: "EC2 instance lifecycle changes are notified",
            ja: "EC2 インスタンスの作成・削除・起動・停止・再起動が通知される",
        },
        description: StaticText {
            en: "Events: RunInstances, RebootInstances, StartInstances, StopInstances, \
             TerminateInstances. CIS 1.2 has no such item. kensa runs every metric filter of \
             the trail's log group, with CloudWatch Logs' filter-pattern semantics, on full \
             sample CloudTrail records of each event, and passes only if the whole chain \
             exists: a multi-region trail that is logging and records these management events \
             → the CloudWatch Logs group it delivers to → metric filters that together match \
             every sample → an alarm on each filter's metric that fires on one occurrence \
             (statistic, threshold, comparison, periods) → an enabled alarm action to an SNS \
             topic with at least one confirmed subscription. An enabled EventBridge rule on \
             the default bus whose event pattern matches the events as EventBridge delivers \
             them, in every region they occur in, and that targets such a topic, counts too. \
             Filters are judged by what they match, not by their text: other quoting, order \
             or extra guards pass. A FAIL names the first missing link and the events a \
             filter misses; data that could not be read is ERROR.",
            ja: "対象イベント: RunInstances、RebootInstances、StartInstances、\
             StopInstances、TerminateInstances。CIS 1.2 \
             に該当項目はない。証跡のロググループにあるすべてのメトリクスフィルターを、CloudWatch \
             Logs のフィルターパターンの意味どおりに、各イベントの完全な CloudTrail \
             レコードの見本に適用し、次の連鎖がすべてそろう場合だけ合格とする: ログ記録中でこれらの管理イベントを記録する複数リージョンの証跡 \
             → 配信先の CloudWatch Logs ロググループ → 見本すべてに (合わせて)\
              一致するメトリクスフィルター → 1 回の発生で発報する (統計・しきい値・比較・期間)\
              フィルターのメトリクスのアラーム → 確認済みのサブスクリプションを 1 つ以上持つ \
             SNS トピックへの有効なアラームアクション。デフォルトのイベントバスにある有効な \
             EventBridge ルールで、イベントパターンが EventBridge の配信形式のイベントに \
             (発生するすべてのリージョンで) 一致し、そのようなトピックをターゲットとするものも認める。\
             フィルターは文面ではなく一致するものによって判定するため、引用符・順序の違いや追加の条件があっても合格する。\
             不合格では最初に欠けている連鎖と検出されないイベントを示し、読み取れなかったデータは \
             ERROR とする。",
        },
        remediation: StaticText {
            en: "Create a metric filter on the log group the multi-region trail delivers to, with \
             the reference pattern `{ ($.eventName = RunInstances) || ($.eventName = \
             RebootInstances) || ($.eventName = StartInstances) || ($.eventName = \
             StopInstances) || ($.eventName = TerminateInstances) }` (AWS's alarm template or \
             CIS 1.2), and an alarm on its metric (Sum over 300 seconds, 1 evaluation period, \
             >= 1) whose action is an SNS topic; confirm at least one subscription to the \
             topic. Or create an EventBridge rule matching these CloudTrail events that \
             targets the topic.",
            ja: "複数リージョンの証跡の配信先ロググループに、参照パターン `{ ($.eventName \
             = RunInstances) || ($.eventName = RebootInstances)\
              || ($.eventName = StartInstances) || ($.eventName \
             = StopInstances) || ($.eventName = TerminateInstances)\
              }` (AWS のアラームテンプレートまたは CIS 1.2) でメトリクスフィルターを作り、\
             そのメトリクスにアラーム (合計、300 秒、評価期間 1、>= 1) を作って \
             SNS トピックをアクションにし、トピックのサブスクリプションを 1 つ以上確認済みにする。\
             または、これらの CloudTrail イベントに一致し、そのトピックをターゲットとする \
             EventBridge ルールを作る。",
        },
        cis_1_2: &[],
        fsbp: &[],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    chain::evaluate(ctx, &CHECK.meta, &operations::EC2_INSTANCE)
}
