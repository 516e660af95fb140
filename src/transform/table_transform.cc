#include "transform/table_transform.h"

#include <algorithm>
#include <set>

#include "common/render_text.h"

namespace binlake {
namespace {

std::string Quoted(std::string_view schema, std::string_view table, std::string_view column = {}) {
  std::string s = std::string(schema) + "." + std::string(table);
  if (!column.empty()) s += "." + std::string(column);
  return s;
}

Status TwoRules(const TransformationRule& a, const TransformationRule& b, std::string_view what) {
  return InvalidArgument("table-mappings rules " + a.rule_id + " and " + b.rule_id +
                         " both act on " + std::string(what) +
                         " (DMS allows one transformation action per object)");
}

// The one renaming rule of `target` matching an object (nullptr if none), by `matches`.
template <typename Matches>
Result<const TransformationRule*> RenamingRule(const TableMappings* mappings,
                                               TransformTarget target, std::string_view what,
                                               Matches matches) {
  const TransformationRule* found = nullptr;
  if (!mappings) return found;
  for (const TransformationRule& rule : mappings->transformation_rules()) {
    if (rule.target != target || !rule.RenamesObject() || !matches(rule)) continue;
    if (found) return TwoRules(*found, rule, what);
    found = &rule;
  }
  return found;
}

// `name` after `rule` (unchanged without one); an empty result or a '/' is an error.
Result<std::string> Renamed(const TransformationRule* rule, std::string_view name,
                            std::string_view what) {
  if (!rule) return std::string(name);
  std::string out = rule->Apply(name);
  if (out.empty()) {
    return InvalidArgument("table-mappings rule " + rule->rule_id + " leaves " + std::string(what) +
                           " without a name");
  }
  if (out.find('/') != std::string::npos) {
    return InvalidArgument("table-mappings rule " + rule->rule_id + " names " + std::string(what) +
                           " '" + out +
                           "', which holds a '/' (it would split the target's object keys)");
  }
  return out;
}

// " (in schema.table, key a=1, b=x)": which row an expression failed on.
std::string RowName(const TableSchema& source, std::span<const Value> row) {
  std::string key;
  for (int k : source.primary_key) {
    const auto c = static_cast<size_t>(k);
    key += (key.empty() ? "" : ", ") + source.columns[c].name + "=";
    if (c >= row.size() || row[c].is_null()) {
      key += "NULL";
    } else {
      AppendValueText(row[c], source.columns[c].type, RenderOptions{}, &key);
    }
  }
  return " (in " + Quoted(source.schema, source.table) + ", " +
         (key.empty() ? std::string("a row of a table without a key") : "key " + key) + ")";
}

// Compiles a computed column's expression once, at Build, so that its errors come before any
// row is read.
Status CheckCompiles(const TableTransform::ComputedColumn& c, const TableSchema& source,
                     const ColumnType& type) {
  if (c.expression.empty()) return Status::Ok();
  Result<std::unique_ptr<CompiledExpression>> compiled =
      CompiledExpression::Compile(c.expression, source, c.source_column, type, c.rule->rule_id);
  if (!compiled.ok()) {
    return InvalidArgument("table-mappings " + compiled.status().message() + " (on " +
                           Quoted(source.schema, source.table) + ")");
  }
  return Status::Ok();
}

}  // namespace

TableTransform TableTransform::Identity(const TableSchema& source) {
  TableTransform t;
  t.source_ = source;
  t.target_ = source;
  t.source_columns_.resize(source.columns.size());
  for (size_t i = 0; i < source.columns.size(); ++i) t.source_columns_[i] = static_cast<int>(i);
  return t;
}

Result<TableName> TargetTableName(const TableMappings* mappings, std::string_view schema,
                                  std::string_view table) {
  ASSIGN_OR_RETURN(
      const TransformationRule* schema_rule,
      RenamingRule(mappings, TransformTarget::kSchema, "schema " + std::string(schema),
                   [&](const TransformationRule& r) { return r.MatchesSchema(schema); }));
  ASSIGN_OR_RETURN(
      const TransformationRule* table_rule,
      RenamingRule(mappings, TransformTarget::kTable, "table " + Quoted(schema, table),
                   [&](const TransformationRule& r) { return r.MatchesTable(schema, table); }));
  TableName out;
  ASSIGN_OR_RETURN(out.schema, Renamed(schema_rule, schema, "schema " + std::string(schema)));
  ASSIGN_OR_RETURN(out.table, Renamed(table_rule, table, "table " + Quoted(schema, table)));
  return out;
}

Result<TableTransform> TableTransform::Build(const TableMappings* mappings,
                                             const TableSchema& source) {
  TableTransform t = Identity(source);
  if (!mappings || mappings->transformation_rules().empty()) return t;
  const std::string& s = source.schema;
  const std::string& tb = source.table;
  ASSIGN_OR_RETURN(TableName name, TargetTableName(mappings, s, tb));
  t.target_.schema = name.schema;
  t.target_.table = name.table;

  // Which columns are kept: include-column rules (any: only those), remove-column rules.
  const auto& rules = mappings->transformation_rules();
  std::vector<const TransformationRule*> included(source.columns.size(), nullptr);
  std::vector<const TransformationRule*> removed(source.columns.size(), nullptr);
  bool any_included = false;
  for (const TransformationRule& rule : rules) {
    if (rule.action != TransformAction::kIncludeColumn &&
        rule.action != TransformAction::kRemoveColumn) {
      continue;
    }
    for (size_t c = 0; c < source.columns.size(); ++c) {
      const std::string& col = source.columns[c].name;
      if (!rule.MatchesColumn(s, tb, col)) continue;
      auto& slot = rule.action == TransformAction::kIncludeColumn ? included[c] : removed[c];
      const TransformationRule* other = included[c] ? included[c] : removed[c];
      if (other && other != &rule) return TwoRules(*other, rule, "column " + Quoted(s, tb, col));
      slot = &rule;
      any_included |= rule.action == TransformAction::kIncludeColumn;
    }
  }
  t.target_.columns.clear();
  t.source_columns_.clear();
  std::vector<int> target_index(source.columns.size(), -1);
  std::set<std::string> names;
  for (size_t c = 0; c < source.columns.size(); ++c) {
    const std::string& col = source.columns[c].name;
    const std::string what = "column " + Quoted(s, tb, col);
    ASSIGN_OR_RETURN(
        const TransformationRule* rule,
        RenamingRule(mappings, TransformTarget::kColumn, what,
                     [&](const TransformationRule& r) { return r.MatchesColumn(s, tb, col); }));
    if (rule && (removed[c] || included[c])) {
      return TwoRules(removed[c] ? *removed[c] : *included[c], *rule, what);
    }
    const TransformationRule* retype = nullptr;
    for (const TransformationRule& r : rules) {
      if (r.action != TransformAction::kChangeDataType || !r.MatchesColumn(s, tb, col)) continue;
      const TransformationRule* other = retype       ? retype
                                        : rule       ? rule
                                        : removed[c] ? removed[c]
                                                     : included[c];
      if (other) return TwoRules(*other, r, what);
      retype = &r;
    }
    if (removed[c] || (any_included && !included[c])) continue;
    Column out = source.columns[c];
    ASSIGN_OR_RETURN(out.name, Renamed(rule, col, what));
    if (retype) {
      ASSIGN_OR_RETURN(out.type, ColumnTypeForDmsDataType(retype->data_type));
      ComputedColumn computed{retype, retype->expression.empty() ? "$" + col : retype->expression,
                              col};
      RETURN_IF_ERROR(CheckCompiles(computed, source, out.type));
      if (!names.insert(out.name).second) {
        return InvalidArgument("table-mappings rules give two columns of " + Quoted(s, tb) +
                               " the name '" + out.name + "' in the target");
      }
      target_index[c] = static_cast<int>(t.target_.columns.size());
      t.target_.columns.push_back(std::move(out));
      t.source_columns_.push_back(-1);
      t.computed_.push_back(std::move(computed));
      continue;
    }
    if (!names.insert(out.name).second) {
      return InvalidArgument("table-mappings rules give two columns of " + Quoted(s, tb) +
                             " the name '" + out.name + "' in the target");
    }
    target_index[c] = static_cast<int>(t.target_.columns.size());
    t.target_.columns.push_back(std::move(out));
    t.source_columns_.push_back(static_cast<int>(c));
  }
  // add-column rules, in document order, after the kept columns.
  for (const TransformationRule& rule : rules) {
    if (rule.action != TransformAction::kAddColumn || !rule.MatchesTable(s, tb)) continue;
    Column out;
    out.name = rule.value;
    ASSIGN_OR_RETURN(out.type, ColumnTypeForDmsDataType(rule.data_type));
    if (!names.insert(out.name).second) {
      return InvalidArgument("table-mappings rule " + rule.rule_id + " adds column '" + out.name +
                             "' to " + Quoted(s, tb) + ", which has a column of that name");
    }
    ComputedColumn computed{&rule, rule.expression, ""};
    RETURN_IF_ERROR(CheckCompiles(computed, source, out.type));
    t.target_.columns.push_back(std::move(out));
    t.source_columns_.push_back(-1);
    t.computed_.push_back(std::move(computed));
  }
  // data-masking rules: one per kept column, on its target type.
  for (size_t c = 0; c < source.columns.size(); ++c) {
    if (target_index[c] < 0) continue;
    const std::string& col = source.columns[c].name;
    const TransformationRule* mask_rule = nullptr;
    for (const TransformationRule& r : rules) {
      if (!r.Masks() || !r.MatchesColumn(s, tb, col)) continue;
      if (mask_rule) return TwoRules(*mask_rule, r, "column " + Quoted(s, tb, col));
      mask_rule = &r;
    }
    if (!mask_rule) continue;
    ColumnMask m;
    m.rule = mask_rule;
    m.mask = mask_rule->action == TransformAction::kDataMaskingDigitsMask ? DataMask::kDigitsMask
             : mask_rule->action == TransformAction::kDataMaskingHashMask
                 ? DataMask::kHashMask
                 : DataMask::kDigitsRandomize;
    if (m.mask == DataMask::kDigitsMask) m.character = mask_rule->value[0];
    const size_t i = static_cast<size_t>(target_index[c]);
    Status applies = CheckMaskApplies(m.mask, t.target_.columns[i].type);
    if (!applies.ok()) {
      return InvalidArgument("table-mappings rule " + mask_rule->rule_id + ": column " +
                             Quoted(s, tb, col) + ": " + applies.message());
    }
    const bool in_key = std::find(source.primary_key.begin(), source.primary_key.end(),
                                  static_cast<int>(c)) != source.primary_key.end();
    if (in_key && m.mask != DataMask::kHashMask) {
      return InvalidArgument("table-mappings rule " + mask_rule->rule_id + ": column " +
                             Quoted(s, tb, col) +
                             " is in the primary key: " + std::string(DataMaskName(m.mask)) +
                             " would leave rows without a key that names them (data-masking-"
                             "hash-mask keeps keys unique and consistent)");
    }
    t.masks_.resize(t.target_.columns.size());
    t.masks_[i] = m;
  }
  // add-before-image-columns: one rule per table, after the added columns.
  const TransformationRule* before_image = nullptr;
  for (const TransformationRule& rule : rules) {
    if (rule.action != TransformAction::kAddBeforeImageColumns || !rule.MatchesTable(s, tb)) {
      continue;
    }
    if (before_image) return TwoRules(*before_image, rule, "table " + Quoted(s, tb));
    before_image = &rule;
  }
  if (before_image) {
    const size_t kept = t.target_.columns.size();
    for (size_t i = 0; i < kept; ++i) {
      const int c = t.source_columns_[i];
      if (c < 0) continue;  // added or retyped
      const Column& col = source.columns[static_cast<size_t>(c)];
      if (!before_image->column.Matches(col.name)) continue;
      const bool in_key = std::find(source.primary_key.begin(), source.primary_key.end(), c) !=
                          source.primary_key.end();
      const SqlType type = col.type.type;
      const bool lob = type == SqlType::kText || type == SqlType::kBlob || type == SqlType::kJson ||
                       type == SqlType::kGeometry;
      if ((before_image->before_image_filter == BeforeImageFilter::kPkOnly && !in_key) ||
          (before_image->before_image_filter == BeforeImageFilter::kNonLob && lob)) {
        continue;
      }
      Column out = t.target_.columns[i];
      out.name = before_image->before_image_prefix + out.name + before_image->before_image_suffix;
      out.nullable = true;
      if (!names.insert(out.name).second) {
        return InvalidArgument("table-mappings rule " + before_image->rule_id +
                               " adds before-image column '" + out.name + "' to " + Quoted(s, tb) +
                               ", which has a column of that name");
      }
      t.target_.columns.push_back(std::move(out));
      t.source_columns_.push_back(kBeforeImage);
      t.before_images_.push_back(c);
    }
  }
  if (t.target_.columns.empty()) {
    return InvalidArgument("table-mappings rules leave " + Quoted(s, tb) +
                           " without columns in the target");
  }
  t.target_.primary_key.clear();
  for (int c : source.primary_key) {
    if (c < 0 || static_cast<size_t>(c) >= target_index.size() || target_index[c] < 0) {
      t.target_.primary_key.clear();  // a key column is removed: no key in the target
      break;
    }
    t.target_.primary_key.push_back(target_index[c]);
  }
  if (!t.masks_.empty()) t.masks_.resize(t.target_.columns.size());
  t.identity_ = t.target_.schema == s && t.target_.table == tb && t.computed_.empty() &&
                t.masks_.empty() && t.source_columns_.size() == source.columns.size() &&
                SameColumns(t.target_, source);
  return t;
}

Result<RowTransformer> RowTransformer::Create(const TableTransform* transform) {
  RowTransformer r;
  r.transform_ = transform;
  bool any = false;
  const std::vector<int>& sources = transform->source_columns();
  size_t next = 0;  // the next computed column
  for (size_t i = 0; i < sources.size(); ++i) {
    if (sources[i] != TableTransform::kComputed) continue;
    const TableTransform::ComputedColumn& c = transform->computed()[next++];
    std::unique_ptr<CompiledExpression> compiled;
    if (!c.expression.empty()) {
      ASSIGN_OR_RETURN(compiled, CompiledExpression::Compile(
                                     c.expression, transform->source(), c.source_column,
                                     transform->target().columns[i].type, c.rule->rule_id));
      any = true;
    }
    r.expressions_.push_back(std::move(compiled));
  }
  if (!any) r.expressions_.clear();  // NULL columns only: no expression, no header needed
  return r;
}

Result<std::span<const Value>> RowTransformer::Apply(std::span<const Value> source_row,
                                                     const ExpressionRow& header,
                                                     std::span<const Value> before_row) {
  const TableTransform& t = *transform_;
  if (t.identity()) return source_row;
  const std::vector<int>& sources = t.source_columns();
  row_.resize(sources.size());
  size_t added = 0;
  size_t before = 0;  // the next before-image column
  for (size_t i = 0; i < sources.size(); ++i) {
    const int c = sources[i];
    if (c >= 0) {
      row_[i] = static_cast<size_t>(c) < source_row.size() ? source_row[c] : Value::Null();
      continue;
    }
    if (c == TableTransform::kBeforeImage) {
      const auto b = static_cast<size_t>(t.before_images()[before++]);
      row_[i] = b < before_row.size() ? before_row[b] : Value::Null();
      continue;
    }
    CompiledExpression* e = added < expressions_.size() ? expressions_[added].get() : nullptr;
    ++added;
    if (e == nullptr) {
      row_[i] = Value::Null();  // add-column without an expression
      continue;
    }
    Result<Value> v = e->Evaluate(source_row, header);
    if (!v.ok()) return InvalidArgument(v.status().message() + RowName(t.source(), source_row));
    row_[i] = *v;
  }
  const auto& masks = t.masks();
  if (!masks.empty()) {
    masked_.resize(masks.size());
    for (size_t i = 0; i < masks.size(); ++i) {
      if (masks[i].mask == DataMask::kNone) continue;
      row_[i] = masker_.Mask(masks[i].mask, masks[i].character, t.target().columns[i].type, row_[i],
                             &masked_[i]);
    }
  }
  return std::span<const Value>(row_);
}

bool RulesTouchTable(const TableMappings* mappings, std::string_view schema,
                     std::string_view table) {
  if (!mappings) return false;
  for (const TransformationRule& rule : mappings->transformation_rules()) {
    const bool matches = rule.target == TransformTarget::kSchema ? rule.MatchesSchema(schema)
                                                                 : rule.MatchesTable(schema, table);
    if (matches) return true;
  }
  return false;
}

Status TargetTableClaims::Claim(const TableName& source, const TableName& target) {
  auto [it, inserted] = owners_.try_emplace({target.schema, target.table}, source);
  if (inserted) return Status::Ok();
  if (it->second.schema == source.schema && it->second.table == source.table) return Status::Ok();
  return InvalidArgument("table-mappings transformation rules map both " +
                         Quoted(it->second.schema, it->second.table) + " and " +
                         Quoted(source.schema, source.table) + " to the target table " +
                         Quoted(target.schema, target.table) +
                         " (one target table holds one source table's rows, as in DMS)");
}

}  // namespace binlake
